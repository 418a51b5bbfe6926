import { readFileSync } from "node:fs";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { loadConfig } from "../../config/load";
import { placeholderDocument } from "../../deployment/openapi/placeholder-document";
import { resolveStage } from "../../deployment/resolve";
import { publicDocument } from "../../deployment/openapi/public-document";
import { only, parseTemplateJson, ROOT, synth } from "../helpers/synth";

const routes = (doc: Record<string, any>) =>
  Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => m !== "options")
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();

describe("published OpenAPI document", () => {
  for (const file of ["llm-api.config.json", "examples/team.json", "examples/multi-model.json"]) {
    it(`validates as OpenAPI 3 and has exactly the deployed routes (${file})`, async () => {
      const config = loadConfig(join(ROOT, file));
      const stage = config.stages?.[0] ?? config.stage;
      const published = publicDocument(placeholderDocument(resolveStage(config, stage), "public"), stage);
      await SwaggerParser.validate(structuredClone(published) as never);
      expect(JSON.stringify(published)).not.toContain("x-amazon-apigateway");
      const deployed = parseTemplateJson(
        only(synth(config).stacks[`${config.project}-${stage}`], "aws_api_gateway_rest_api").body,
      );
      expect(routes(published)).toEqual(routes(deployed));
      expect((published.servers as { url: string }[])[0].url).toBe(
        "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}",
      );
    });
  }

  it("the validator does reject a broken document (the check can fail)", async () => {
    await expect(
      SwaggerParser.validate({
        openapi: "3.0.1",
        info: { title: "x", version: "1" },
        paths: { "/a": { post: { responses: { "200": { $ref: "#/nope" } } } } },
      } as never),
    ).rejects.toThrow();
  });

  it("is committed up to date for the default config (run npm run openapi)", () => {
    const config = loadConfig(join(ROOT, "llm-api.config.json"));
    const committed = JSON.parse(readFileSync(join(ROOT, "openapi", "llm-api.openapi.json"), "utf8"));
    expect(committed).toEqual(publicDocument(placeholderDocument(resolveStage(config, "v1"), "public"), "v1"));
  });
});
