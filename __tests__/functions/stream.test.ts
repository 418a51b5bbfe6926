import { apiError } from "../helpers/api-error";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { apiEvent, call, sseEvents, startRig, type HandlerRig } from "../helpers/handlers";

// POST /{model}/stream: Lambda response streaming over InvokeEndpointWithResponseStream, via the emulator.
let rig: HandlerRig;
beforeAll(async () => (rig = await startRig()));
afterAll(() => rig.stop());
beforeEach(() => rig.emulator.behave("ep-mistral", {}));

const stream = (body: unknown, model = "mistral") => call(rig.stream, apiEvent("POST", `/${model}/stream`, body));
const tokens = (events: { event?: string; data: any }[]) =>
  events.filter((e) => e.event === "token").map((e) => e.data.text);

describe("POST /{model}/stream", () => {
  it("sends every token as an SSE event, then a done event with the whole text and usage", async () => {
    const answer = await stream({ inputs: "Say hello", parameters: { max_new_tokens: 6 } });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    const events = sseEvents(answer.body);
    expect(tokens(events)).toEqual(VOCABULARY.slice(0, 6));
    expect(events.at(-1)).toEqual({
      event: "done",
      data: {
        generated_text: VOCABULARY.slice(0, 6).join(""),
        finish_reason: "length",
        usage: { completion_tokens: 6 },
      },
    });
    expect(rig.emulator.calls.at(-1)).toMatchObject({
      stream: true,
      body: { inputs: "Say hello", parameters: { max_new_tokens: 6 }, stream: true },
    });
  });

  it("delivers tokens to the client as they are generated, not all at the end", async () => {
    rig.emulator.behave("ep-mistral", { tokenDelayMs: 40 });
    const answer = await stream({ inputs: "x" });
    const tokenChunks = answer.chunks.filter((c) => c.text.includes("event: token"));
    expect(tokenChunks.length).toBe(VOCABULARY.length);
    const spread = tokenChunks.at(-1)!.at - tokenChunks[0].at;
    expect(spread).toBeGreaterThan(40 * (VOCABULARY.length - 2));
  });

  it.each([1, 2, 3, 5, 7, 13])(
    "gives the same tokens when the model's stream is cut into %i-byte parts (lines and characters split)",
    async (bytes) => {
      rig.emulator.behave("ep-mistral", { chunkBytes: bytes });
      const events = sseEvents((await stream({ inputs: "x" })).body);
      expect(tokens(events)).toEqual(VOCABULARY);
      expect(events.at(-1)!.data.generated_text).toBe(VOCABULARY.join(""));
    },
  );

  it.each([
    ["ModelStreamError", "model_stream_error"],
    ["InternalStreamFailure", "stream_failure"],
    ["tgi-error", "model_error"],
    ["socket", "upstream_error"],
  ] as const)(
    "when the stream fails midway with %s, it sends the tokens so far, an error event, and closes",
    async (cutWith, type) => {
      rig.emulator.behave("ep-mistral", { cutAfterTokens: 3, cutWith, chunkBytes: 5 });
      const answer = await stream({ inputs: "x" });
      expect(answer.statusCode).toBe(200);
      const events = sseEvents(answer.body);
      expect(tokens(events)).toEqual(VOCABULARY.slice(0, 3));
      expect(events.at(-1)).toEqual({ event: "error", data: apiError(type, expect.any(String)) });
      expect(events.some((e) => e.event === "done")).toBe(false);
    },
  );

  it.each([
    [{ modelStatus: 422, modelMessage: "Input validation error" }, 422, "model_rejected_request"],
    [{ throttle: true }, 429, "throttled"],
    [{ modelStatus: 500 }, 424, "model_error"],
    [{ notReady: true }, 503, "model_unavailable"],
  ])(
    "when the model refuses before the first token (%j), it answers an HTTP error with a JSON body",
    async (behaviour, status, type) => {
      rig.emulator.behave("ep-mistral", behaviour);
      const answer = await stream({ inputs: "x" });
      expect([answer.statusCode, answer.headers["content-type"], answer.json?.error?.code]).toEqual([
        status,
        "application/json",
        type,
      ]);
    },
  );

  it("validates before calling the model: 400 names the field, 404 names the model", async () => {
    const calls = rig.emulator.calls.length;
    const invalid = await stream({ inputs: "x", parameters: { temperature: -1 } });
    expect([invalid.statusCode, invalid.json.error.param]).toEqual([400, "parameters.temperature"]);
    const unknown = await stream({ inputs: "x" }, "nope");
    expect([unknown.statusCode, unknown.json.error.code]).toEqual([404, "model_not_found"]);
    expect(rig.emulator.calls.length).toBe(calls);
  });

  it("when the endpoint cannot stream (serverless), it sends the whole answer as one token event", async () => {
    const answer = await stream({ inputs: "x" }, "tiny");
    const events = sseEvents(answer.body);
    expect(events.map((e) => e.event)).toEqual(["token", "done"]);
    expect(events[0].data.text).toBe(VOCABULARY.join(""));
    expect(rig.emulator.calls.at(-1)).toMatchObject({ endpoint: "ep-tiny", stream: false });
  });

  it("sends the first token only when the model has produced it (the delay is measured in npm run bench)", async () => {
    rig.emulator.behave("ep-mistral", { firstTokenDelayMs: 300 });
    const started = performance.now();
    const answer = await stream({ inputs: "x" });
    const first = answer.chunks.find((c) => c.text.includes("event: token"))!;
    expect(first.at - started).toBeGreaterThanOrEqual(299);
  });
});
