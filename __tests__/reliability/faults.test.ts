import { apiError } from "../helpers/api-error";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { apiEvent, call, sseEvents, startRig, type HandlerRig } from "../helpers/handlers";

// Faults injected through the emulator: each maps to its documented status or SSE error event, nothing hangs.
jest.setTimeout(30_000);
let rig: HandlerRig;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  rig = await startRig();
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await rig.stop();
});
beforeEach(() => rig.emulator.behave("ep-mistral", {}));

const stream = (timeoutMs = 29_000) =>
  call(rig.stream, apiEvent("POST", "/mistral/stream", { inputs: "x" }), timeoutMs);

describe("injected faults", () => {
  it("a first token slower than the function's time left gets a 504 before any token, on time", async () => {
    // The SDK resolves a stream call with its first event, so a silent model is still an HTTP answer.
    rig.emulator.behave("ep-mistral", { firstTokenDelayMs: 5000 });
    const started = Date.now();
    const answer = await stream(2500);
    expect(Date.now() - started).toBeLessThan(2500);
    expect([answer.statusCode, answer.json]).toEqual([504, apiError("timeout", "The model did not answer in time.")]);
  });

  it("a model that goes silent after some tokens ends the stream with a timeout event, on time", async () => {
    rig.emulator.behave("ep-mistral", { tokenDelayMs: 5000, firstTokenDelayMs: 10 });
    const started = Date.now();
    const events = sseEvents((await stream(2500)).body);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(events.map((e) => e.event)).toEqual(["token", "error"]);
    expect(events[1].data.error.code).toBe("timeout");
  });

  it("a model that stalls before answering a buffered call gets a 504 before the function's time runs out", async () => {
    rig.emulator.behave("ep-mistral", { stallMs: 5000 });
    const started = Date.now();
    const answer = await call(rig.invoke, apiEvent("POST", "/mistral/invoke", { inputs: "x" }), 2500);
    expect([answer.statusCode, answer.json.error.code]).toEqual([504, "timeout"]);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("invalid UTF-8 split across frames becomes replacement characters, and the stream completes", async () => {
    rig.emulator.behave("ep-mistral", { invalidUtf8: true, chunkBytes: 1 });
    const events = sseEvents((await stream()).body);
    const tokens = events.filter((e) => e.event === "token").map((e) => e.data.text);
    expect(tokens[0]).toBe(`\uFFFD\uFFFD${VOCABULARY[0]}`);
    expect(tokens.slice(1)).toEqual(VOCABULARY.slice(1));
    expect(events.at(-1)!.event).toBe("done");
  });

  it("a stream cut midway by every kind of failure closes with one error event, and a later request is served normally", async () => {
    for (const cutWith of ["ModelStreamError", "InternalStreamFailure", "tgi-error", "socket"] as const) {
      rig.emulator.behave("ep-mistral", { cutAfterTokens: 4, cutWith, tokenDelayMs: 5 });
      const events = sseEvents((await stream()).body);
      expect([cutWith, events.length, events.at(-1)!.event]).toEqual([cutWith, 5, "error"]);
    }
    rig.emulator.behave("ep-mistral", {});
    expect(sseEvents((await stream()).body).at(-1)!.event).toBe("done");
  });

  it("throttling, model errors and an endpoint out of service map to 429, 424 and 503 on every route", async () => {
    const cases = [
      [{ throttle: true }, 429],
      [{ modelStatus: 500 }, 424],
      [{ unavailable: true }, 503],
    ] as const;
    for (const [behaviour, status] of cases) {
      rig.emulator.behave("ep-mistral", behaviour);
      const invoke = await call(rig.invoke, apiEvent("POST", "/mistral/invoke", { inputs: "x" }));
      const streamed = await stream();
      const chat = await call(
        rig.openai,
        apiEvent("POST", "/v1/chat/completions", {
          model: "mistral",
          messages: [{ role: "user", content: "x" }],
          stream: true,
        }),
      );
      expect([invoke.statusCode, streamed.statusCode, chat.statusCode]).toEqual([status, status, status]);
    }
  });

  it("left no promise rejection unhandled", () => {
    expect(unhandled).toEqual([]);
  });
});
