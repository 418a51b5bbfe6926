import { join } from "node:path";
import { loadConfig, parseConfig } from "../../config/load";
import { configWarnings } from "../../config/warnings";
import { ROOT } from "../helpers/synth";

// Limits a first deploy meets in a fresh account, said at synth.
describe("config warnings", () => {
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
    expect(warning).toMatch(/^models\[0\]\.lambda\.reservedConcurrency: the functions reserve 100 concurrent executions in all\. .*Service Quotas/);
  });

  it("says nothing for the default config", () => {
    expect(configWarnings(loadConfig(join(ROOT, "llm-api.config.json")))).toEqual([]);
  });
});
