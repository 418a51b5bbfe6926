import { loadConfig, parseConfig } from "../../config/load";
import {
  apiResourceCount,
  ciRoleProblems,
  deploymentProblems,
  deploymentWarnings,
} from "../../deployment/operations/limits";
import {
  authorizerFiles,
  environmentProblems,
  functionEnvironment,
  functionFiles,
  keyTableBytes,
} from "../../deployment/lambda/function-environment";
import { SETTINGS_FILE } from "../../contract/routes";
import { resolveStage } from "../../deployment/resolve";
import { synth, SHIPPED_CONFIGS } from "../helpers/synth";

// Limits AWS enforces only at apply and cannot raise: found at synth, before any Terraform is written.
const CONFIGS = SHIPPED_CONFIGS;

const organisation = (models: number, consumers: number) =>
  parseConfig({
    region: "us-east-1",
    models: Array.from({ length: models }, (_, i) => ({
      name: `model-${i}`,
      huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
      instance: { type: "ml.g5.2xlarge" },
    })),
    api: {
      consumers: Array.from({ length: consumers }, (_, i) => ({ name: `team-${i}`, models: [`model-${i % models}`] })),
    },
  });

describe("limits AWS checks only at apply", () => {
  it("finds none in any example", () => {
    for (const file of CONFIGS) expect([file, deploymentProblems(loadConfig(file))]).toEqual([file, []]);
  });

  it("computes a function's environment as the stack writes it", () => {
    const config = organisation(3, 2);
    const deployment = resolveStage(config, "v1");
    const stack = synth(config).stacks["llm-api-v1"];
    const chat = Object.values(stack.resource!.aws_lambda_function).find(
      (f: any) => f.function_name === "llm-api-v1-chat",
    ) as any;
    expect(chat.environment.variables).toEqual(functionEnvironment(deployment.openai));
  });

  it("keeps the OpenAI function's model table out of its environment: 300 models fit", () => {
    const deployment = resolveStage(organisation(300, 1), "v1");
    const bytes = Object.entries(functionEnvironment(deployment.openai)).reduce(
      (n, [k, v]) => n + k.length + v.length,
      0,
    );
    expect(bytes).toBeLessThan(512);
    expect(JSON.parse(functionFiles(deployment.openai)![SETTINGS_FILE]).models).toHaveProperty("model-299");
    expect(environmentProblems(deployment).filter((p) => p.includes("-chat"))).toEqual([]);
  });

  it("takes 100 models and 100 consumers: the tables are in files and a secret, not in environments", () => {
    const deployment = resolveStage(organisation(100, 100), "v1");
    expect(environmentProblems(deployment)).toEqual([]);
    // Every limit AWS does not raise holds; the one it raises on request is a warning with the quota's name.
    expect(deploymentProblems(organisation(100, 100))).toEqual([]);
    expect(deploymentWarnings(organisation(100, 100))).toEqual([expect.stringContaining("Resources per API")]);
    // The key table at apply: each hash 64 characters; Secrets Manager takes 65,536 bytes.
    expect(keyTableBytes(deployment.consumers!)).toBeLessThan(10_000);
    expect(JSON.parse(authorizerFiles(deployment.consumers!)[SETTINGS_FILE]).consumers["team-99"]).toEqual([
      "model-99",
    ]);
  });

  it("fails past the key table's 64 KB and IAM's policy size, naming the field and the fix", () => {
    expect(environmentProblems(resolveStage(organisation(2, 1000), "v1"))).toEqual([
      expect.stringMatching(
        /^api\.consumers: the authorizer's key table would be \d+ bytes at apply; Secrets Manager allows 65536 in a secret \(not raisable\)\. Fix:/,
      ),
    ]);
    expect(deploymentProblems(organisation(150, 1))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^models: the policy of the function llm-api-v1-chat's role would be \d+ characters \(one ARN per endpoint it may call\); IAM allows 10240 \(not raisable\)/,
        ),
      ]),
    );
  });

  it("counts the REST API's resources as the stack imports them, and warns with the quota's name past API Gateway's default 300", () => {
    // Root, /v1 and its routes, and three per model: /<model>, /invoke, /stream.
    const one = resolveStage(organisation(1, 1), "v1");
    const stack = synth(organisation(1, 1)).stacks["llm-api-v1"];
    const body = JSON.parse(Object.values(stack.resource!.aws_api_gateway_rest_api)[0].body as string);
    const segments = new Set(
      Object.keys(body.paths).flatMap((p) =>
        p
          .split("/")
          .slice(1)
          .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
      ),
    );
    expect(apiResourceCount(one)).toBe(segments.size + 1);
    expect(apiResourceCount(resolveStage(organisation(2, 1), "v1")) - apiResourceCount(one)).toBe(3);
    expect(deploymentWarnings(organisation(100, 1))).toEqual([
      expect.stringMatching(
        /^models: each stage's REST API would have \d+ resources \(three per model\); API Gateway allows 300 by default\. Ask for more with the quota "Resources per API"/,
      ),
    ]);
    expect(deploymentWarnings(organisation(90, 1))).toEqual([]);
    expect(deploymentWarnings(organisation(2, 301))[0]).toMatch(
      /^api\.consumers: the stages create 301 usage plans in us-east-1; API Gateway allows 300 per account and region by default/,
    );
  });
});

describe("the CI roles' policies", () => {
  const withStages = (n: number) =>
    parseConfig({
      region: "us-east-1",
      models: [{ name: "m", huggingFace: { modelId: "a/b" }, instance: { type: "ml.g5.2xlarge" } }],
      stages: Array.from({ length: n }, (_, i) => `s${i}`),
      ci: { repository: "acme/llm-api" },
    });

  it("fit IAM's 10 managed policies per role in every example, and past them a config is refused with the fix", () => {
    for (const file of CONFIGS) expect([file, ciRoleProblems(loadConfig(file))]).toEqual([file, []]);
    expect(ciRoleProblems(withStages(2))).toEqual([]);
    // The deploy role's policies grow fastest with stages (the plan role's hold its reads only).
    expect(ciRoleProblems(withStages(20))).toEqual([
      expect.stringMatching(
        /^ci: the deploy role would need \d+ managed policies of 6,144 characters for 20 stage\(s\); IAM attaches 10 to a role by default\. Fix: fewer stages per config/,
      ),
    ]);
  });
});
