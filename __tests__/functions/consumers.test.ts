import OpenAI from "openai";
import { ChatOpenAI } from "@langchain/openai";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { localConfig, post } from "../helpers/local";

// A key per consumer, each limited to its models, through the OpenAI clients against the local stack.
describe("consumers", () => {
  let stack: LocalStack;
  const hf = { huggingFace: { modelId: "a/b" }, instance: { type: "ml.g5.2xlarge" } };
  beforeAll(async () => {
    process.env.LOG_LEVEL = "silent";
    const config = localConfig({
      models: [
        { name: "alpha", ...hf },
        { name: "beta", ...hf },
      ],
      api: {
        consumers: [
          { name: "team-a", models: ["alpha"] },
          { name: "team-b", quota: { limit: 3, period: "DAY" } },
        ],
      },
    });
    stack = await startLocalStack({
      config,
      port: 0,
      emulator: {},
      consumerKeys: { "team-a": "key-a", "team-b": "key-b" },
    });
  });
  afterAll(() => stack.stop());

  const client = (key: string) => new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: key, maxRetries: 0 });
  const ask = (model: string) => ({ model, messages: [{ role: "user" as const, content: "hi" }] });

  it("prints a key per consumer and no shared key", () => {
    expect([stack.keys, stack.apiKey]).toEqual([{ "team-a": "key-a", "team-b": "key-b" }, undefined]);
  });

  it("lets a consumer call its model, refuses another model with 403 naming it, and lists only its own", async () => {
    const a = client("key-a");
    expect((await a.chat.completions.create(ask("alpha"))).choices[0].message.content).toEqual(expect.any(String));
    const refused = await a.chat.completions.create(ask("beta")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as { status: number; error: { message: string } }).error.message).toContain('"beta"');
    expect((await a.models.list()).data.map((m) => m.id)).toEqual(["alpha"]);
    // Its own model's routes, but not another's (the authorizer's policy).
    expect((await post(`${stack.url}/alpha/invoke`, { inputs: "hi" }, { authorization: "Bearer key-a" })).status).toBe(
      200,
    );
    expect((await post(`${stack.url}/beta/invoke`, { inputs: "hi" }, { authorization: "Bearer key-a" })).status).toBe(
      403,
    );
    // LangChain raises the same refusal.
    const chat = new ChatOpenAI({
      model: "beta",
      apiKey: "key-a",
      configuration: { baseURL: `${stack.url}/v1` },
      maxRetries: 0,
    });
    await expect(chat.invoke("hi")).rejects.toMatchObject({ status: 403 });
  });

  it("gives a consumer without a model list every model, until its quota answers 429 in OpenAI's shape", async () => {
    const b = client("key-b");
    expect((await b.models.list()).data.map((m) => m.id)).toEqual(["alpha", "beta"]);
    await b.chat.completions.create(ask("beta"));
    await b.chat.completions.create(ask("alpha"));
    const over = await b.chat.completions.create(ask("alpha")).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(OpenAI.RateLimitError);
    expect((over as { error: { code: string } }).error.code).toBe("quota_exceeded");
  });

  it("refuses a key no consumer holds", async () => {
    await expect(client("key-c").models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
