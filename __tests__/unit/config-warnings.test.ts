import { join } from "node:path";
import { loadConfig, parseConfig } from "../../config/load";
import { configWarnings } from "../../config/warnings";
import { ROOT } from "../helpers/synth";

// Limits a first deploy meets in a fresh account, said at synth.
describe("config warnings", () => {
  const one = (model: Record<string, unknown>) =>
    configWarnings(parseConfig({ region: "us-east-1", models: [{ name: "m", ...model }] }));

  it("warns, as an estimate with its fix, when the weights will not fit the GPU or serverless memory, and not when they fit", () => {
    const big = one({
      huggingFace: { modelId: "meta-llama/Llama-3.1-70B-Instruct" },
      instance: { type: "ml.g5.2xlarge" },
    });
    expect(big).toEqual([
      "models[0]: about 140 GB of weights (an estimate: 70B parameters read from the model id, 2 bytes each) will not fit the 24 GB of GPU memory of ml.g5.2xlarge with room for the KV cache, so the endpoint would fail to start. Fix: a larger instance, a quantization, or set models[0].huggingFace.fitCheck to false if the estimate is wrong.",
    ]);
    expect(
      one({ huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" }, serverless: { memorySizeMb: 6144 } })[0],
    ).toContain(
      "about 28 GB of weights (an estimate: 7B parameters read from the model id, 4 bytes each) will not fit a 6144 MB serverless endpoint",
    );
    expect(
      one({
        huggingFace: { modelId: "mistralai/Mixtral-8x7B-Instruct-v0.1" },
        instance: { type: "ml.g5.12xlarge" },
      })[0],
    ).toContain("56B parameters");
    // Fits: 7B in 16 bits on 24 GB; 70B quantized to 4 bits on 8 x 24 GB; no count in the id; silenced.
    expect(
      one({ huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" }, instance: { type: "ml.g5.2xlarge" } }),
    ).toEqual([]);
    expect(
      one({ huggingFace: { modelId: "a/Llama-70B-AWQ", quantize: "awq" }, instance: { type: "ml.g5.48xlarge" } }),
    ).toEqual([]);
    expect(one({ huggingFace: { modelId: "gpt2" }, serverless: { memorySizeMb: 1024 } })).toEqual([]);
    expect(
      one({
        huggingFace: { modelId: "meta-llama/Llama-3.1-70B-Instruct", fitCheck: false },
        instance: { type: "ml.g5.2xlarge" },
      }),
    ).toEqual([]);
  });

  it("when a model package is given blue/green steps, it says SageMaker ignores them for Marketplace packages", () => {
    const arn =
      "arn:aws:sagemaker:us-east-1:865070037744:model-package/llama-2-7b-f-v4-55c7c39a0cf535e8bad0d342598c219c";
    const warned = one({
      modelPackageArn: arn,
      instance: { type: "ml.g5.2xlarge" },
      deployment: { strategy: "canary", waitSeconds: 600 },
    });
    expect(warned).toContain(
      "models[0].deployment: SageMaker applies no deployment guardrails to AWS Marketplace model packages: it replaces the fleet all at once, with no baking period and no rollback, so the canary update configured here does nothing for such a package. Fix: remove models[0].deployment (or keep it for a package of your own account, which does get guardrails).",
    );
    expect(one({ modelPackageArn: arn, instance: { type: "ml.g5.2xlarge" } })).toEqual([]);
  });

  it("when a model updates blue/green, it names the instance count the update needs at once", () => {
    const config = parseConfig({
      region: "us-east-1",
      models: [
        {
          name: "m",
          huggingFace: { modelId: "a/b" },
          instance: { type: "ml.g5.2xlarge" },
          autoscaling: { minCapacity: 1, maxCapacity: 3, targetValue: 4 },
          deployment: { strategy: "canary" },
        },
      ],
    });
    expect(configWarnings(config)).toEqual([
      'models[0].deployment: a blue/green update starts a second fleet beside the first, so up to 6 ml.g5.2xlarge instances run at once. Check the account\'s SageMaker quota "ml.g5.2xlarge for endpoint usage" (Service Quotas) covers that, or the update fails.',
    ]);
  });

  it("when functions reserve concurrency (the integrations example), it says what a new account's quota allows", () => {
    const [warning] = configWarnings(loadConfig(join(ROOT, "examples", "integrations.json")));
    expect(warning).toMatch(
      /^models\[0\]\.lambda\.reservedConcurrency: the functions reserve 100 concurrent executions in all\. .*Service Quotas/,
    );
  });

  it("says nothing for the default config", () => {
    expect(configWarnings(loadConfig(join(ROOT, "llm-api.config.json")))).toEqual([]);
  });
});
