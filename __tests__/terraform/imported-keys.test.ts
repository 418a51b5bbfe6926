import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { startFakeSecretsManager } from "../helpers/fake-secrets-manager";
import { synth } from "../helpers/synth";
import { planStacksOffline, requireTerraform } from "../helpers/terraform";

// An imported consumer key is read when Terraform plans; one too short to resist guessing fails the
// plan (a precondition), naming the consumer, its secret and the fix.
jest.setTimeout(120_000);
const describeTf = requireTerraform() ? describe : describe.skip;

describeTf("terraform: imported consumer keys", () => {
  const config = parseConfig({
    region: "us-east-1",
    models: [{ name: "alpha", huggingFace: { modelId: "a/b" }, instance: { type: "ml.g5.2xlarge" } }],
    api: {
      consumers: [
        { name: "search-team", keySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:search-key-AbCdEf" },
      ],
    },
  });
  const stackDir = () => join(synth(config).outdir, "stacks", "llm-api-v1");

  // A long imported key plans in the central-api suite (its stand-in answers 40 characters).
  it("fails the plan when the secret holds a key shorter than 32 characters, naming the consumer and the fix", async () => {
    const short = await startFakeSecretsManager("x".repeat(40), { "search-key-AbCdEf": "short-key-of-24-chars-xx" });
    try {
      let message = "";
      try {
        planStacksOffline({ "llm-api-v1": stackDir() }, short.url, { validate: false });
      } catch (err) {
        // Terraform wraps its error text: compare it with the white space folded.
        message = (err as Error).message.replace(/\s+/g, " ");
      }
      expect(message).toContain("Resource precondition failed");
      expect(message).toContain(
        "The key of consumer search-team (secret arn:aws:secretsmanager:us-east-1:123456789012:secret:search-key-AbCdEf) is shorter than 32 characters: a short key can be guessed. Fix: store a random key of 32 to 128 characters in the secret.",
      );
    } finally {
      await short.stop();
    }
  });
});
