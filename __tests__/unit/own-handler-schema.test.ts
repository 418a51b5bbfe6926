import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { checkReferencedFiles } from "../../config/files";
import type { ConfigError } from "../../config/errors";
import { gatewayDocument } from "../../deployment/openapi/gateway-document";
import { tempDir } from "../helpers/temp";

// An own /invoke handler may take its own payload: a request schema for the gateway, or none.
const root = tempDir("llm-api-own-schema-");
mkdirSync(join(root, "handlers"));
writeFileSync(
  join(root, "handlers", "classify.ts"),
  "export const handler = async () => ({ statusCode: 200, body: '[]' });\n",
);
writeFileSync(
  join(root, "handlers", "classify.schema.json"),
  JSON.stringify({
    type: "object",
    required: ["texts"],
    properties: { texts: { type: "array", items: { type: "string" } } },
  }),
);
writeFileSync(join(root, "handlers", "broken.schema.json"), "{ not json");
writeFileSync(join(root, "handlers", "typo.schema.json"), JSON.stringify({ type: "object", propertes: {} }));

const config = (lambda: Record<string, unknown>) =>
  parseConfig({
    region: "us-east-1",
    models: [{ name: "clf", huggingFace: { modelId: "a/b" }, instance: { type: "ml.g5.xlarge" }, lambda }],
  });
const problemsOf = (lambda: Record<string, unknown>) => {
  try {
    checkReferencedFiles(config(lambda), "config.json", root);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

describe("own handler request schemas", () => {
  it("takes a draft 4 schema file beside an own handler, or false", () => {
    expect(problemsOf({ handler: "handlers/classify.ts", requestSchema: "handlers/classify.schema.json" })).toEqual([]);
    expect(problemsOf({ handler: "handlers/classify.ts", requestSchema: false })).toEqual([]);
  });

  it.each([
    [
      { requestSchema: "handlers/classify.schema.json" },
      "models[0].lambda.requestSchema: the built-in handler takes the generate request only",
    ],
    [{ handler: "handlers/missing.ts" }, "models[0].lambda.handler: handlers/missing.ts does not exist"],
    [
      { handler: "handlers/classify.ts", requestSchema: "handlers/none.json" },
      "models[0].lambda.requestSchema: handlers/none.json does not exist",
    ],
    [{ handler: "handlers/classify.ts", requestSchema: "handlers/broken.schema.json" }, "is not valid JSON"],
    [{ handler: "handlers/classify.ts", requestSchema: "handlers/typo.schema.json" }, 'unknown keyword: "propertes"'],
  ])("refuses %j before any Terraform is written, naming the field", (lambda, problem) => {
    const problems = problemsOf(lambda);
    expect(problems).toEqual([expect.stringContaining(problem)]);
    expect(problems[0]).toContain("Fix:");
  });

  it("puts the schema in the API document as the /invoke model, or leaves the body unchecked with false", () => {
    const schema = { type: "object", required: ["texts"], properties: { texts: { type: "array" } } };
    const doc = (requestSchema: Record<string, unknown> | false) =>
      gatewayDocument({
        title: "t",
        auth: "none",
        openaiUri: "c",
        models: [{ model: "clf", invokeUri: "i", streamUri: "s", requestSchema }],
      }) as Record<string, any>;
    const own = doc(schema);
    expect(own.paths["/clf/invoke"].post.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/ClfInvokeRequest",
    );
    expect(own.components.schemas.ClfInvokeRequest).toEqual(schema);
    // The stream route runs the built-in handler: still the generate request.
    expect(own.paths["/clf/stream"].post.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/GenerateRequest",
    );
    const open = doc(false).paths["/clf/invoke"].post;
    expect([open.requestBody, open["x-amazon-apigateway-request-validator"]]).toEqual([undefined, undefined]);
  });
});
