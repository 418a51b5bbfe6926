import { apiError } from "../helpers/api-error";
import { apiEvent, call, sseEvents, startRig, TEST_MODELS, type HandlerRig } from "../helpers/handlers";

// A model that goes quiet is cancelled after the configured silence, on every streamed route, long
// before the function's own time runs out: a 504 before any token, an error event after.
jest.setTimeout(30_000);
const FIRST_TOKEN_MS = 800;
const IDLE_MS = 400;
let rig: HandlerRig;
beforeAll(async () => {
  rig = await startRig(TEST_MODELS, { firstTokenMs: FIRST_TOKEN_MS, idleMs: IDLE_MS });
});
afterAll(() => rig.stop());
beforeEach(() => {
  for (const endpoint of ["ep-mistral", "ep-falcon", "ep-vllm"]) rig.emulator.behave(endpoint, {});
});

const messages = [{ role: "user", content: "Say hello" }];
const ROUTES = {
  "/stream": () => call(rig.stream, apiEvent("POST", "/mistral/stream", { inputs: "x" })),
  "chat, messages": () =>
    call(rig.openai, apiEvent("POST", "/v1/chat/completions", { model: "mistral", messages, stream: true })),
  "chat, vLLM": () =>
    call(rig.openai, apiEvent("POST", "/v1/chat/completions", { model: "vllm", messages, stream: true })),
  "chat, prompt": () =>
    call(rig.openai, apiEvent("POST", "/v1/chat/completions", { model: "falcon", messages, stream: true })),
  completions: () =>
    call(rig.openai, apiEvent("POST", "/v1/completions", { model: "falcon", prompt: "x", stream: true })),
};
const ENDPOINT: Record<keyof typeof ROUTES, string> = {
  "/stream": "ep-mistral",
  "chat, messages": "ep-mistral",
  "chat, vLLM": "ep-vllm",
  "chat, prompt": "ep-falcon",
  completions: "ep-falcon",
};
const routes = Object.keys(ROUTES) as (keyof typeof ROUTES)[];
/** The last event: /stream's `error` event, or the chat and completion streams' error chunk. */
const lastEvent = (body: string) => sseEvents(body).at(-1)!.data;

describe("a model that goes quiet", () => {
  it.each(routes)(
    "%s: silent after its first token, the stream ends with a timeout error within the idle timeout, and the call is cancelled",
    async (route) => {
      rig.emulator.behave(ENDPOINT[route], { firstTokenDelayMs: 10, tokenDelayMs: 10_000 });
      const before = rig.emulator.cancelled.length;
      const started = Date.now();
      const answer = await ROUTES[route]();
      const took = Date.now() - started;
      expect(answer.statusCode).toBe(200);
      expect(took).toBeGreaterThanOrEqual(IDLE_MS);
      expect(took).toBeLessThan(IDLE_MS + 1500);
      expect(lastEvent(answer.body)).toEqual(
        apiError("timeout", "The model sent nothing for 0.4 s; the stream was ended."),
      );
      expect(answer.body).not.toContain("[DONE]");
      // The emulator saw its caller leave: the model stops generating.
      await new Promise((r) => setTimeout(r, 50));
      expect(rig.emulator.cancelled.length).toBe(before + 1);
    },
  );

  it.each(routes)(
    "%s: silent before its first token, the client gets a 504 in JSON within the first-token timeout",
    async (route) => {
      rig.emulator.behave(ENDPOINT[route], { firstTokenDelayMs: 10_000 });
      const before = rig.emulator.cancelled.length;
      const started = Date.now();
      const answer = await ROUTES[route]();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(FIRST_TOKEN_MS);
      expect(took).toBeLessThan(FIRST_TOKEN_MS + 1500);
      expect([answer.statusCode, answer.json]).toEqual([
        504,
        apiError("timeout", "The model sent no token in 0.8 s; the call was cancelled."),
      ]);
      await new Promise((r) => setTimeout(r, 50));
      expect(rig.emulator.cancelled.length).toBe(before + 1);
    },
  );

  it("that never answers the call at all gets the same 504, and no connection is left open", async () => {
    rig.emulator.behave("ep-mistral", { stallMs: 10_000 });
    const started = Date.now();
    const answer = await ROUTES["/stream"]();
    expect(Date.now() - started).toBeLessThan(FIRST_TOKEN_MS + 1500);
    expect([answer.statusCode, answer.json.error.message]).toEqual([
      504,
      "The model sent no token in 0.8 s; the call was cancelled.",
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(await rig.emulator.connections()).toBe(0);
  });

  it("slower than the timeouts between tokens but never silent that long, the answer completes (the check can pass)", async () => {
    rig.emulator.behave("ep-mistral", { firstTokenDelayMs: FIRST_TOKEN_MS / 2, tokenDelayMs: IDLE_MS / 2 });
    const events = sseEvents((await ROUTES["/stream"]()).body);
    expect(events.at(-1)!.event).toBe("done");
  });
});
