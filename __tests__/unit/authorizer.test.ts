import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { apiKeyOf } from "../../functions/lib/api-key";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  KEY_TABLE_MISS_REREAD_MS,
  KEY_TABLE_READ_TIMEOUT_MS,
  KEY_TABLE_TTL_MS,
  handler,
} from "../../functions/authorizer";
import { SETTINGS_FILE } from "../../contract/routes";
import { startFakeSecretsManager, type FakeSecretsManager } from "../helpers/fake-secrets-manager";
import { tempDir } from "../helpers/temp";
import { gatewayDocument } from "../../deployment/openapi/gateway-document";

const METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/v1/chat/completions";
const event = (headers: Record<string, string>) =>
  ({ type: "REQUEST", methodArn: METHOD_ARN, headers }) as unknown as APIGatewayRequestAuthorizerEvent;

/** Points the authorizer at a key-table secret on a stand-in, its consumers in `root`'s settings file, as the stack sets it. */
function readKeyTableFrom(root: string, secret: string, url: string): void {
  for (const k of ["CONSUMERS", "CONSUMER_KEYS", "KEY_HASH_SALT"]) delete process.env[k];
  Object.assign(process.env, {
    LAMBDA_TASK_ROOT: root,
    CONSUMER_KEYS_SECRET: secret,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  });
}

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
        Statement: [
          {
            Action: "execute-api:Invoke",
            Effect: "Allow",
            Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*",
          },
        ],
      },
    });
  });

  it('refuses a request without a key by throwing "Unauthorized", the answer API Gateway turns into a 401', async () => {
    await expect(handler(event({}))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe("the authorizer with consumers", () => {
  const sha = (text: string) => require("node:crypto").createHash("sha256").update(text).digest("hex");
  const saved = {
    CONSUMERS: process.env.CONSUMERS,
    CONSUMER_KEYS: process.env.CONSUMER_KEYS,
    KEY_HASH_SALT: process.env.KEY_HASH_SALT,
  };
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
            Resource: [
              "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/v1/*",
              "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/alpha/*",
            ],
          },
        ],
      },
      context: { consumer: "team-a", models: '["alpha"]' },
    });
    expect((await handler(event({ "x-api-key": "key-b" }))).context).toEqual({
      consumer: "team-b",
      models: '["alpha","beta"]',
    });
  });

  it("gives a key no consumer holds no model (API Gateway refuses the key itself), and still denies no key", async () => {
    const stranger = await handler(event({ authorization: "Bearer key-x" }));
    expect([stranger.context, stranger.policyDocument.Statement[0]]).toEqual([
      { consumer: "unknown", models: "[]" },
      expect.objectContaining({ Resource: ["arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/v1/*"] }),
    ]);
    await expect(handler(event({}))).rejects.toThrow(/^Unauthorized$/);
  });

  /**
   * What API Gateway answers for the real authorizer's result: "Unauthorized" thrown is UNAUTHORIZED;
   * a policy without an Allow matching the method ARN is ACCESS_DENIED; each rendered from the
   * gateway responses of the document the stack imports.
   */
  async function gatewayAnswer(
    headers: Record<string, string>,
    method: string,
    resourcePath: string,
  ): Promise<{ status: number; body: any } | "allowed"> {
    const methodArn = `arn:aws:execute-api:us-east-1:123456789012:abc123/v1/${method}${resourcePath}`;
    const authorize = { ...event(headers), methodArn } as APIGatewayRequestAuthorizerEvent;
    let type: string;
    try {
      const result = await handler(authorize);
      const allows = result.policyDocument.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
        [(s as { Resource: string | string[] }).Resource].flat(),
      );
      const glob = (pattern: string) =>
        new RegExp(
          `^${pattern
            .split("*")
            .map((p) => p.replace(/[.?+^$()[\]{}|\\/]/g, "\\$&"))
            .join(".*")}$`,
        );
      if (allows.some((r) => glob(r).test(methodArn))) return "allowed";
      type = "ACCESS_DENIED";
    } catch (err) {
      if ((err as Error).message !== "Unauthorized") throw err;
      type = "UNAUTHORIZED";
    }
    const document = gatewayDocument({
      title: "t",
      auth: "apiKey",
      models: [],
      openaiUri: "chat",
      authorizerUri: "authorizer",
    });
    const response = (document["x-amazon-apigateway-gateway-responses"] as Record<string, any>)[type];
    const body = response.responseTemplates["application/json"]
      .replace("$context.httpMethod", method)
      .replace("$context.resourcePath", resourcePath)
      .replace("$context.requestId", "r-1");
    return { status: Number(response.statusCode), body: JSON.parse(body) };
  }

  it("as API Gateway answers it: 401 without a key, 403 naming the model for another team's model, through the real authorizer", async () => {
    expect(await gatewayAnswer({}, "POST", "/alpha/invoke")).toEqual({
      status: 401,
      body: {
        error: {
          message: expect.stringContaining("No API key"),
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
    });
    expect(await gatewayAnswer({ authorization: "Bearer key-a" }, "POST", "/beta/invoke")).toEqual({
      status: 403,
      body: {
        error: {
          message: "This API key may not call POST /beta/invoke.",
          type: "permission_error",
          param: null,
          code: "permission_denied",
        },
        requestId: "r-1",
      },
    });
    expect(await gatewayAnswer({ authorization: "Bearer key-a" }, "POST", "/alpha/stream")).toBe("allowed");
    expect(await gatewayAnswer({ authorization: "Bearer key-a" }, "POST", "/v1/chat/completions")).toBe("allowed");
  });
});

describe("the authorizer as deployed: consumers in its settings file, the key table in a secret", () => {
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:llm-api-v1-consumer-keys-AbCdEf";
  const consumers = Array.from({ length: 100 }, (_, i) => `team-${i}`);
  const table = (names: string[]) =>
    JSON.stringify({ salt: "s4lt", keys: names.map((n) => [sha(`s4lt:key-of-${n}`), n]) });
  let fake: FakeSecretsManager;
  let secrets: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    const root = tempDir("llm-api-authorizer-");
    secrets = join(root, "secrets.json");
    writeFileSync(
      join(root, SETTINGS_FILE),
      JSON.stringify({ consumers: Object.fromEntries(consumers.map((c, i) => [c, [`model-${i}`]])) }),
    );
    writeFileSync(secrets, JSON.stringify({ "llm-api-v1-consumer-keys-AbCdEf": table(consumers.slice(0, 99)) }));
    fake = await startFakeSecretsManager("", { file: secrets });
    readKeyTableFrom(root, SECRET, fake.url);
  });
  afterAll(async () => {
    process.env = saved;
    await fake.stop();
  });

  it("names each of 100 consumers by its key and allows its own model, reading the table once", async () => {
    const result = await handler(event({ authorization: "Bearer key-of-team-42" }));
    expect([result.principalId, result.context]).toEqual(["team-42", { consumer: "team-42", models: '["model-42"]' }]);
    expect((await handler(event({ "x-api-key": "key-of-team-7" }))).principalId).toBe("team-7");
  });

  it("knows a key added to the secret after the table was read, once the re-read interval has passed", async () => {
    // The first test read the table of 99 consumers; team-99's key is added since.
    writeFileSync(secrets, JSON.stringify({ "llm-api-v1-consumer-keys-AbCdEf": table(consumers) }));
    const now = Date.now();
    const clock = jest.spyOn(Date, "now");
    try {
      // Within the interval, an unknown key does not make it read again: still unknown.
      clock.mockReturnValue(now + 1_000);
      expect((await handler(event({ authorization: "Bearer key-of-team-99" }))).principalId).toBe("unknown");
      clock.mockReturnValue(now + KEY_TABLE_MISS_REREAD_MS + 2_000);
      expect((await handler(event({ authorization: "Bearer key-of-team-99" }))).principalId).toBe("team-99");
    } finally {
      clock.mockRestore();
    }
  });
});

describe("the key table while Secrets Manager fails or goes silent", () => {
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const NAME = "llm-api-v1-keys-outage-XyZ123";
  const SECRET = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${NAME}`;
  let fake: FakeSecretsManager;
  let mode: string;
  let calls: string;
  const saved = { ...process.env };
  const callCount = () => (existsSync(calls) ? readFileSync(calls, "utf8").split("\n").filter(Boolean).length : 0);
  // A fresh module, as a new container has: no table read yet, and a Secrets Manager client for this stand-in.
  let fresh: typeof handler;
  jest.isolateModules(() => {
    fresh = (require("../../functions/authorizer") as { handler: typeof handler }).handler;
  });
  const name = async (key: string) => (await fresh(event({ authorization: `Bearer ${key}` }))).principalId;
  beforeAll(async () => {
    const root = tempDir("llm-api-authorizer-outage-");
    const secrets = join(root, "secrets.json");
    mode = join(root, "mode");
    calls = join(root, "calls");
    writeFileSync(join(root, SETTINGS_FILE), JSON.stringify({ consumers: { search: ["mistral"] } }));
    writeFileSync(
      secrets,
      JSON.stringify({ [NAME]: JSON.stringify({ salt: "s", keys: [[sha("s:key-of-search"), "search"]] }) }),
    );
    fake = await startFakeSecretsManager("", { file: secrets }, { modeFile: mode, callsFile: calls });
    readKeyTableFrom(root, SECRET, fake.url);
  });
  afterAll(async () => {
    process.env = saved;
    await fake.stop();
  });

  it("serves known keys from the table read before, and asks a failing Secrets Manager a few times a minute, not per request", async () => {
    writeFileSync(mode, "");
    expect(await name("key-of-search")).toBe("search");
    expect(callCount()).toBe(1);
    writeFileSync(mode, "fail");
    const now = Date.now();
    const clock = jest.spyOn(Date, "now");
    try {
      // The table is old: the next request tries a read, which fails; 50 requests in the next second try none.
      clock.mockReturnValue(now + KEY_TABLE_TTL_MS + 1);
      for (let i = 0; i < 50; i++) expect(await name("key-of-search")).toBe("search");
      expect(callCount()).toBe(2);
      // Unknown keys, a flood of them, do not make it read either while it backs off.
      for (let i = 0; i < 50; i++) expect(await name(`stranger-${i}`)).toBe("unknown");
      expect(callCount()).toBe(2);
      // Backing off 1 s, 2 s, 4 s ... at most 60 s: over ten minutes of failing, at most 10 + 4 reads.
      for (let s = 1; s <= 600; s++) {
        clock.mockReturnValue(now + KEY_TABLE_TTL_MS + 1 + s * 1000);
        expect(await name("key-of-search")).toBe("search");
      }
      expect(callCount()).toBeLessThanOrEqual(2 + 14);
      expect(callCount()).toBeGreaterThan(2 + 8);
      // Secrets Manager is back: after the backoff, the next read succeeds and the failures are forgotten.
      writeFileSync(mode, "");
      clock.mockReturnValue(now + KEY_TABLE_TTL_MS + 1 + 700_000);
      const before = callCount();
      expect(await name("key-of-search")).toBe("search");
      expect(callCount()).toBe(before + 1);
    } finally {
      clock.mockRestore();
    }
  });

  it("gives up on a silent Secrets Manager within 2 s and still serves known keys", async () => {
    writeFileSync(mode, "silent");
    const now = Date.now();
    const clock = jest.spyOn(Date, "now").mockReturnValue(now + 2 * KEY_TABLE_TTL_MS + 800_000);
    try {
      const started = performance.now();
      expect(await name("key-of-search")).toBe("search");
      expect(performance.now() - started).toBeLessThan(KEY_TABLE_READ_TIMEOUT_MS + 1000);
    } finally {
      clock.mockRestore();
      writeFileSync(mode, "");
    }
  });

  it("with no table yet, fails the request (a 500, not a 401) and backs off for the next ones", async () => {
    writeFileSync(mode, "fail");
    process.env.CONSUMER_KEYS_SECRET = `${SECRET}-other`;
    try {
      const before = callCount();
      const first = await fresh(event({ authorization: "Bearer key-of-search" })).catch((e: Error) => e);
      expect(first).toBeInstanceOf(Error);
      expect((first as Error).message).not.toBe("Unauthorized");
      for (let i = 0; i < 20; i++) await fresh(event({ authorization: "Bearer key-of-search" })).catch(() => undefined);
      expect(callCount()).toBe(before + 1);
    } finally {
      process.env.CONSUMER_KEYS_SECRET = SECRET;
      writeFileSync(mode, "");
    }
  });
});
