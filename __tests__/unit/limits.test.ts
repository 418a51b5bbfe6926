import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, parseConfig } from "../../config/load";
import { deploymentProblems } from "../../deployment/limits";
import { environmentProblems, functionEnvironment, LAMBDA_ENVIRONMENT_MAX_BYTES } from "../../deployment/function-environment";
import { resolve } from "../../deployment/resolve";
import { ROOT, synth } from "../helpers/synth";

// Limits AWS enforces only at apply and cannot raise: found at synth, before any Terraform is written.
const CONFIGS = [
  join(ROOT, "llm-api.config.json"),
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(ROOT, "examples", f)),
];

const organisation = (models: number, consumers: number) =>
  parseConfig({
    region: "us-east-1",
    models: Array.from({ length: models }, (_, i) => ({
      name: `model-${i}`,
      huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
      instance: { type: "ml.g5.2xlarge" },
    })),
    api: { consumers: Array.from({ length: consumers }, (_, i) => ({ name: `team-${i}`, models: [`model-${i % models}`] })) },
  });

describe("limits AWS checks only at apply", () => {
  it("finds none in any example", () => {
    for (const file of CONFIGS) expect([file, deploymentProblems(loadConfig(file))]).toEqual([file, []]);
  });

  it("computes a function's environment as the stack writes it", () => {
    const config = organisation(3, 2);
    const deployment = resolve(config, "v1");
    const stack = synth(config).stacks["llm-api-v1"];
    const chat = Object.values(stack.resource!.aws_lambda_function).find((f: any) => f.function_name === "llm-api-v1-chat") as any;
    expect(chat.environment.variables).toEqual(functionEnvironment(deployment.chat));
  });

  it("fails when 100 models and 100 consumers would pass Lambda's 4 KB environment, and 150 models IAM's policy size, naming each function and the fix", () => {
    const problems = deploymentProblems(organisation(100, 100));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^models: the environment of the function llm-api-v1-chat would be \d+ bytes at apply \(its models' routes\); Lambda allows 4096 in all \(not raisable\)\. Fix: fewer models or consumers per stage, or split them into more configs$/,
        ),
        expect.stringMatching(
          /^api\.consumers: the environment of the function llm-api-v1-authorizer would be \d+ bytes at apply \(its models' routes, the consumers and their key hashes\)/,
        ),
      ]),
    );
    expect(deploymentProblems(organisation(150, 1))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^models: the policy of the function llm-api-v1-chat's role would be \d+ characters \(one ARN per endpoint it may call\); IAM allows 10240 \(not raisable\)/,
        ),
      ]),
    );
    // The authorizer's applied size counts each key hash as the 64 characters Terraform writes.
    const small = resolve(organisation(2, 50), "v1");
    const [authorizer] = environmentProblems(small);
    const bytes = Number(/would be (\d+) bytes/.exec(authorizer)![1]);
    expect(bytes).toBeGreaterThan(LAMBDA_ENVIRONMENT_MAX_BYTES);
    expect(environmentProblems(resolve(organisation(2, 10), "v1"))).toEqual([]);
  });
});
