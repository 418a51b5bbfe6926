import OpenAI, { AuthenticationError } from "openai";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { TEST_MODELS, startOpenAiServer, startRig, type HandlerRig, type OpenAiServer } from "../helpers/handlers";

// The official openai client against a local server running the same handler code.
const KEY = "local-test-key";
let rig: HandlerRig;
let server: OpenAiServer;
let client: OpenAI;

beforeAll(async () => {
  rig = await startRig();
  server = await startOpenAiServer(rig, KEY);
  // Configured as OpenAI's docs say: a base URL and a key, nothing else (the key goes as Authorization: Bearer).
  client = new OpenAI({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  await server.stop();
  await rig.stop();
});

describe("the openai npm client", () => {
  it("lists the models", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(Object.keys(TEST_MODELS));
  });

  it("gets a buffered completion", async () => {
    const completion = await client.chat.completions.create({
      model: "mistral",
      messages: [{ role: "user", content: "Say hello" }],
      max_tokens: 4,
    });
    expect(completion.choices[0].message.content).toBe(VOCABULARY.slice(0, 4).join(""));
    expect(completion.choices[0].finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it("gets a streamed completion token by token", async () => {
    rig.emulator.behave("ep-mistral", { tokenDelayMs: 25 });
    const stream = await client.chat.completions.create({
      model: "mistral",
      messages: [{ role: "user", content: "Say hello" }],
      stream: true,
    });
    const arrivals: { text: string; at: number }[] = [];
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) arrivals.push({ text, at: performance.now() });
    }
    expect(arrivals.map((a) => a.text)).toEqual(VOCABULARY);
    // Tokens arrived spread out as the model made them, not in one piece at the end.
    expect(arrivals.at(-1)!.at - arrivals[0].at).toBeGreaterThan(25 * (VOCABULARY.length - 2));
    rig.emulator.behave("ep-mistral", {});
  });

  it("sees a wrong API key as the client's authentication error: 401 in OpenAI's error shape", async () => {
    const stranger = new OpenAI({ baseURL: client.baseURL, apiKey: "wrong", maxRetries: 0 });
    const error = await stranger.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as AuthenticationError).code).toBe("invalid_api_key");
    expect((error as AuthenticationError).error).toEqual({
      message: "Incorrect API key provided.",
      type: "invalid_request_error",
      param: null,
      code: "invalid_api_key",
    });
  });

  it("still takes the key as x-api-key, for clients that send it so", async () => {
    const res = await fetch(`${client.baseURL}/models`, { headers: { "x-api-key": KEY } });
    expect(res.status).toBe(200);
    const none = await fetch(`${client.baseURL}/models`);
    expect([none.status, (await none.json()).error.code]).toEqual([401, "invalid_api_key"]);
  });

  it("sees a handler's 400 naming an unsupported parameter", async () => {
    const error = await client.chat.completions
      .create({ model: "mistral", messages: [{ role: "user", content: "x" }], logit_bias: { "50256": -100 } })
      .catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(400);
    expect((error as { error: unknown }).error).toMatchObject({ code: "unsupported_parameter", param: "logit_bias" });
  });
});
