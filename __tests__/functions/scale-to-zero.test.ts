import OpenAI from "openai";
import type { ModelRoute } from "../../contract/routes";
import { apiError } from "../helpers/api-error";
import { apiEvent, call, sseEvents, startOpenAiServer, startRig, TEST_MODELS, type HandlerRig } from "../helpers/handlers";

/**
 * Models that scale to zero, through the real SageMaker runtime SDK against the emulator playing an
 * inference component with no copies: every route names the component on each call, answers 503
 * with Retry-After and an OpenAI-shaped error that says the model is starting, and serves the
 * model once a copy is up.
 */
jest.setTimeout(30_000);
const COLD: Record<string, ModelRoute> = {
  ...TEST_MODELS,
  mistral: { ...TEST_MODELS.mistral, component: "ic-mistral" },
  bge: { ...TEST_MODELS.bge, component: "ic-bge" },
};
const WAKE_MS = 400;
let rig: HandlerRig;
beforeAll(async () => (rig = await startRig(COLD)));
afterAll(async () => rig.stop());
beforeEach(() => {
  for (const endpoint of ["ep-mistral", "ep-bge"]) rig.emulator.behave(endpoint, { zeroCopies: { wakeAfterMs: WAKE_MS } });
});

const ROUTES: [string, () => ReturnType<typeof call>][] = [
  ["/mistral/invoke", () => call(rig.invoke, apiEvent("POST", "/mistral/invoke", { inputs: "x" }))],
  ["/mistral/stream", () => call(rig.stream, apiEvent("POST", "/mistral/stream", { inputs: "x" }))],
  ["/v1/chat/completions", () => call(rig.chat, apiEvent("POST", "/v1/chat/completions", { model: "mistral", messages: [{ role: "user", content: "hi" }] }))],
  [
    "/v1/chat/completions, streamed",
    () => call(rig.chat, apiEvent("POST", "/v1/chat/completions", { model: "mistral", stream: true, messages: [{ role: "user", content: "hi" }] })),
  ],
  ["/v1/completions", () => call(rig.chat, apiEvent("POST", "/v1/completions", { model: "mistral", prompt: "hi" }))],
  ["/v1/completions, streamed", () => call(rig.chat, apiEvent("POST", "/v1/completions", { model: "mistral", prompt: "hi", stream: true }))],
  ["/v1/responses", () => call(rig.chat, apiEvent("POST", "/v1/responses", { model: "mistral", input: "hi" }))],
  ["/v1/responses, streamed", () => call(rig.chat, apiEvent("POST", "/v1/responses", { model: "mistral", input: "hi", stream: true }))],
  ["/v1/embeddings", () => call(rig.chat, apiEvent("POST", "/v1/embeddings", { model: "bge", input: ["a", "b"] }))],
];

describe("a model at zero copies", () => {
  it.each(ROUTES)("%s: 503 with Retry-After, saying the model is starting, then the answer once a copy is up", async (_, send) => {
    const cold = await send();
    expect([cold.statusCode, cold.headers["retry-after"], cold.json]).toEqual([
      503,
      "60",
      apiError("model_starting", expect.stringMatching(/^The model is starting: it scaled to zero while idle, and this request woke it\./)),
    ]);
    expect(cold.json.error.type).toBe("server_error");
    await new Promise((resolve) => setTimeout(resolve, WAKE_MS));
    const warm = await send();
    expect(warm.statusCode).toBe(200);
    const streamed = warm.headers["content-type"]?.startsWith("text/event-stream");
    if (streamed) expect(sseEvents(warm.body).length).toBeGreaterThan(1);
  });

  it("names the inference component on every call to SageMaker, and only for models that are one", async () => {
    rig.emulator.calls.length = 0;
    await ROUTES[2][1]();
    await call(rig.chat, apiEvent("POST", "/v1/chat/completions", { model: "vllm", messages: [{ role: "user", content: "hi" }] }));
    await ROUTES[8][1]();
    expect(rig.emulator.calls.map((c) => [c.endpoint, c.headers["x-amzn-sagemaker-inference-component"]])).toEqual([
      ["ep-mistral", "ic-mistral"],
      ["ep-vllm", undefined],
      ["ep-bge", "ic-bge"],
    ]);
  });

  it("reaches the openai SDK as an APIError 503 with the code and the Retry-After it waits by", async () => {
    const server = await startOpenAiServer(rig, "sk-test");
    try {
      const client = new OpenAI({ baseURL: server.baseURL, apiKey: "sk-test", maxRetries: 0 });
      const failure = await client.chat.completions.create({ model: "mistral", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe("model_starting");
      expect((failure as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("60");
      // The SDK's own retries honour Retry-After; once the copy is up, a call goes through.
      await new Promise((resolve) => setTimeout(resolve, WAKE_MS));
      const answer = await client.chat.completions.create({ model: "mistral", messages: [{ role: "user", content: "hi" }] });
      expect(answer.choices[0].message.content).toBeTruthy();
    } finally {
      await server.stop();
    }
  });
});
