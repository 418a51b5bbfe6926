import { startLocalStack } from "../../local/dev-server";
import { handlerSettings, resetSettings, withSettings } from "../../functions/lib/settings";
import { localConfig, post } from "../helpers/local";

// Handlers read their settings once per container, lazily; a local stack runs them inside its own.

describe("handler settings", () => {
  const saved = { MODELS: process.env.MODELS, CORS_ORIGINS: process.env.CORS_ORIGINS };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetSettings();
  });

  it("are read from the environment at the first call, kept, and read again after a reset", () => {
    process.env.MODELS = JSON.stringify({ a: { endpoint: "ep-a", chat: "prompt", stream: false } });
    resetSettings();
    expect(Object.keys(handlerSettings().models)).toEqual(["a"]);
    process.env.MODELS = JSON.stringify({ b: { endpoint: "ep-b", chat: "prompt", stream: false } });
    expect(Object.keys(handlerSettings().models)).toEqual(["a"]);
    resetSettings();
    expect(Object.keys(handlerSettings().models)).toEqual(["b"]);
  });

  it("inside withSettings are those given, through awaits, and the environment's outside", async () => {
    process.env.MODELS = "{}";
    resetSettings();
    const inside = await withSettings(
      {
        models: { x: { endpoint: "ep-x", chat: "prompt", stream: true } },
        corsOrigins: ["https://a.example"],
        streamTimeouts: { firstTokenMs: 1, idleMs: 1 },
      },
      async () => {
        await new Promise((r) => setTimeout(r, 5));
        return handlerSettings();
      },
    );
    expect([Object.keys(inside.models), inside.corsOrigins]).toEqual([["x"], ["https://a.example"]]);
    expect(handlerSettings().models).toEqual({});
    expect(handlerSettings().streamTimeouts).toEqual({ firstTokenMs: 120_000, idleMs: 60_000 });
  });
});

describe("two local stacks in one process", () => {
  it("each serve their own models and key, with the global environment untouched", async () => {
    const env = { ...process.env };
    process.env.LOG_LEVEL = "silent";
    const one = await startLocalStack({ config: localConfig(), port: 0, apiKey: "k1", emulator: {} });
    const two = await startLocalStack({
      config: localConfig({
        models: [
          { name: "qwen", huggingFace: { modelId: "Qwen/Qwen2.5-0.5B-Instruct" }, serverless: { memorySizeMb: 2048 } },
        ],
      }),
      port: 0,
      apiKey: "k2",
      emulator: {},
    });
    try {
      const models = async (url: string, key: string) =>
        (await (await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()).data.map(
          (m: { id: string }) => m.id,
        );
      expect(await models(one.url, "k1")).toEqual(["mistral-7b"]);
      expect(await models(two.url, "k2")).toEqual(["qwen"]);
      const calls = await Promise.all([
        post(
          `${one.url}/mistral-7b/invoke`,
          { inputs: "hi", parameters: { max_new_tokens: 2 } },
          { "x-api-key": "k1" },
        ),
        post(`${two.url}/qwen/invoke`, { inputs: "hi", parameters: { max_new_tokens: 2 } }, { "x-api-key": "k2" }),
        post(`${one.url}/qwen/invoke`, { inputs: "hi" }, { "x-api-key": "k1" }),
      ]);
      expect(calls.map((r) => r.status)).toEqual([200, 200, 404]);
      // Each call reached its own stack's emulator.
      expect([one.emulator?.calls.map((c) => c.endpoint), two.emulator?.calls.map((c) => c.endpoint)]).toEqual([
        ["llm-api-v1-mistral-7b"],
        ["llm-api-v1-qwen"],
      ]);
      const { LOG_LEVEL: _a, ...before } = env;
      const { LOG_LEVEL: _b, ...after } = process.env;
      expect(after).toEqual(before);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});
