import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { apiKeyOf } from "../../functions/lib/api-key";
import { handler } from "../../functions/authorizer";

const METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/v1/chat/completions";
const event = (headers: Record<string, string>) => ({ type: "REQUEST", methodArn: METHOD_ARN, headers }) as unknown as APIGatewayRequestAuthorizerEvent;

describe("the API key a client sent", () => {
  it.each([
    [{ Authorization: "Bearer sk-1" }, "sk-1"],
    [{ authorization: "bearer   sk-1 " }, "sk-1"],
    [{ "x-api-key": "sk-2" }, "sk-2"],
    [{ "X-Api-Key": "sk-2" }, "sk-2"],
    [{ Authorization: "Bearer sk-1", "x-api-key": "sk-2" }, "sk-1"],
    [{ Authorization: "Basic dXNlcjpwYXNz" }, undefined],
    [{ Authorization: "Bearer" }, undefined],
    [{ "x-api-key": "" }, undefined],
    [{}, undefined],
  ])("from %j is %s", (headers, key) => {
    expect(apiKeyOf(headers)).toBe(key);
  });
});

describe("the authorizer", () => {
  it("hands the key to API Gateway as the usage identifier and allows the whole stage", async () => {
    expect(await handler(event({ authorization: "Bearer sk-1" }))).toEqual({
      principalId: "api-key",
      usageIdentifierKey: "sk-1",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*" }],
      },
    });
  });

  it("denies a request without a key (the API answers 401), without throwing, so no function error is counted", async () => {
    const result = await handler(event({}));
    expect(result.usageIdentifierKey).toBeUndefined();
    expect(result.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*" },
    ]);
  });
});

describe("the authorizer with consumers", () => {
  const sha = (text: string) => require("node:crypto").createHash("sha256").update(text).digest("hex");
  const saved = { CONSUMERS: process.env.CONSUMERS, CONSUMER_KEYS: process.env.CONSUMER_KEYS, KEY_HASH_SALT: process.env.KEY_HASH_SALT };
  // As Terraform computes them: sha256 of "<salt>:<key>".
  beforeAll(() => {
    process.env.CONSUMERS = JSON.stringify({ "team-a": ["alpha"], "team-b": ["alpha", "beta"] });
    process.env.KEY_HASH_SALT = "s4lt";
    process.env.CONSUMER_KEYS = JSON.stringify([
      [sha("s4lt:key-a"), "team-a"],
      [sha("s4lt:key-b"), "team-b"],
    ]);
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("knows a key only by its salted hash: the plain SHA-256 of a key names no consumer", async () => {
    const salted = process.env.CONSUMER_KEYS;
    process.env.CONSUMER_KEYS = JSON.stringify([[sha("key-a"), "team-a"]]);
    try {
      expect((await handler(event({ authorization: "Bearer key-a" }))).principalId).toBe("unknown");
    } finally {
      process.env.CONSUMER_KEYS = salted;
    }
  });

  it("names the key's consumer by its hash, allows the OpenAI routes and its models' routes only, and tells the handlers its models", async () => {
    const result = await handler(event({ authorization: "Bearer key-a" }));
    expect(result).toEqual({
      principalId: "team-a",
      usageIdentifierKey: "key-a",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Action: "execute-api:Invoke",
            Effect: "Allow",
            Resource: ["arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/v1/*", "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/alpha/*"],
          },
        ],
      },
      context: { consumer: "team-a", models: '["alpha"]' },
    });
    expect((await handler(event({ "x-api-key": "key-b" }))).context).toEqual({ consumer: "team-b", models: '["alpha","beta"]' });
  });

  it("gives a key no consumer holds no model (API Gateway refuses the key itself), and still denies no key", async () => {
    const stranger = await handler(event({ authorization: "Bearer key-x" }));
    expect([stranger.context, stranger.policyDocument.Statement[0]]).toEqual([
      { consumer: "unknown", models: "[]" },
      expect.objectContaining({ Resource: ["arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/v1/*"] }),
    ]);
    expect((await handler(event({}))).policyDocument.Statement[0]).toMatchObject({ Effect: "Deny" });
  });
});
