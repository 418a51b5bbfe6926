import { createHash } from "node:crypto";
import { bundleWithData } from "../../packaging/bundle";
import { authorizerFiles, keyTableBytes } from "../../deployment/lambda/function-environment";
import { LambdaProcess } from "../../testing/lambda-process";
import { SageMakerEmulator } from "../../local/emulator/sagemaker-emulator";
import { readStreamIntegration } from "../../testing/api-gateway-view";
import { SETTINGS_FILE } from "../../contract/routes";
import { apiEvent } from "../helpers/handlers";
import { runtimeClientOrSkip } from "../helpers/real-runtime";
import { startFakeSecretsManager, type FakeSecretsManager } from "../helpers/fake-secrets-manager";

// The authorizer's zip as the stack deploys it for 100 consumers (their models in its settings file,
// the salt and key hashes in a secret), run by AWS's Lambda runtime client against a Secrets Manager stand-in.
const client = runtimeClientOrSkip();
const suite = client ? describe : describe.skip;

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:llm-api-v1-consumer-keys-AbCdEf";
const consumers = Array.from({ length: 100 }, (_, i) => ({
  name: `team-${i}`,
  models: [`model-${i}`, `model-${(i + 1) % 100}`],
}));
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const SALT = "s".repeat(40);

// The OpenAI function's zip with a 100-model table in its settings file, and no MODELS in its environment.
const models = Object.fromEntries(
  Array.from({ length: 100 }, (_, i) => [`model-${i}`, { endpoint: `ep-${i}`, chat: "messages", stream: true }]),
);

let secrets: FakeSecretsManager;
let authorizer: LambdaProcess;
let emulator: SageMakerEmulator;
let chat: LambdaProcess;
beforeAll(async () => {
  if (!client) return;
  const table = JSON.stringify({
    salt: SALT,
    keys: consumers.map((c) => [sha(`${SALT}:key-of-${c.name}-0123456789abcdef`), c.name]),
  });
  secrets = await startFakeSecretsManager("", { "llm-api-v1-consumer-keys-AbCdEf": table });
  authorizer = await LambdaProcess.start(client, {
    zipPath: bundleWithData("authorizer", authorizerFiles(consumers)).zipPath,
    functionName: "llm-api-v1-authorizer",
    environment: {
      CONSUMER_KEYS_SECRET: SECRET,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    },
  });
  emulator = new SageMakerEmulator(Object.values(models).map((m) => m.endpoint));
  const url = await emulator.start();
  chat = await LambdaProcess.start(client, {
    zipPath: bundleWithData("openai", { [SETTINGS_FILE]: JSON.stringify({ models }) }).zipPath,
    functionName: "llm-api-v1-chat",
    environment: { AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
  });
}, 60_000);
afterAll(async () => {
  await authorizer?.stop();
  await secrets?.stop();
  await chat?.stop();
  await emulator?.stop();
});

const authorize = async (key: string | undefined, path: string) => {
  const answer = await authorizer.invoke({
    type: "REQUEST",
    methodArn: `arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST${path}`,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  return { mode: answer.mode, body: JSON.parse(answer.body.toString("utf8")) };
};

suite("the authorizer with 100 consumers, as deployed, under AWS's Lambda runtime client", () => {
  it("holds tables no environment could: the key table alone is over Lambda's 4 KB", () => {
    expect(keyTableBytes(consumers)).toBeGreaterThan(4096);
  });

  it("names every consumer by its key, with its own models, as before", async () => {
    for (const i of [0, 57, 99]) {
      const { mode, body } = await authorize(`key-of-team-${i}-0123456789abcdef`, `/model-${i}/invoke`);
      expect([mode, body.principalId, body.context]).toEqual([
        "buffered",
        `team-${i}`,
        { consumer: `team-${i}`, models: JSON.stringify(consumers[i].models) },
      ]);
      expect(body.policyDocument.Statement[0].Resource).toEqual([
        "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/v1/*",
        ...consumers[i].models.map((m) => `arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/${m}/*`),
      ]);
    }
  });

  it("gives a key no consumer holds no model, and refuses no key with Unauthorized", async () => {
    expect((await authorize("stranger-key-0123456789abcdef0123", "/model-1/invoke")).body.context).toEqual({
      consumer: "unknown",
      models: "[]",
    });
    const keyless = await authorize(undefined, "/model-1/invoke");
    expect([keyless.mode, keyless.body.errorMessage]).toEqual(["error", "Unauthorized"]);
  });
});

suite("the OpenAI function with 100 models in its settings file, under AWS's Lambda runtime client", () => {
  it("lists every model and answers a chat on the last one, as before", async () => {
    const list = await readStreamIntegration(await chat.invoke(apiEvent("GET", "/v1/models")));
    expect(JSON.parse(list.body).data.map((m: { id: string }) => m.id)).toEqual(Object.keys(models));
    const answer = await readStreamIntegration(
      await chat.invoke(
        apiEvent("POST", "/v1/chat/completions", {
          model: "model-99",
          messages: [{ role: "user", content: "Hi" }],
          max_tokens: 3,
        }),
      ),
    );
    expect([answer.statusCode, JSON.parse(answer.body).model]).toEqual([200, "model-99"]);
    expect(emulator.calls.at(-1)!.endpoint).toBe("ep-99");
  });
});
