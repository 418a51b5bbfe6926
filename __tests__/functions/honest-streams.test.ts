import { apiError } from "../helpers/api-error";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { MAX_MODEL_MESSAGE_CHARS } from "../../functions/lib/errors";
import { apiEvent, call, sseEvents, startRig, type HandlerRig } from "../helpers/handlers";

// Failures told as they are: cut-short answers are errors, resets are the endpoint's fault,
// inherited names are unknown fields, and a model's error message is capped and cleaned.
let rig: HandlerRig;
beforeAll(async () => (rig = await startRig()));
afterAll(() => rig.stop());
beforeEach(() => rig.emulator.behave("ep-mistral", {}));

const messages = [{ role: "user", content: "Say hello" }];
const stream = (body: unknown) => call(rig.stream, apiEvent("POST", "/mistral/stream", body));
const chat = (body: Record<string, unknown>) =>
  call(rig.openai, apiEvent("POST", "/v1/chat/completions", { model: "mistral", messages, ...body }));
const dataLines = (body: string) =>
  body
    .split("\n\n")
    .filter(Boolean)
    .map((b) => b.slice(6));

describe("answers cut short", () => {
  it("stream: tokens without the model's final event end in an error event, never done", async () => {
    rig.emulator.behave("ep-mistral", { cutAfterTokens: 3, cutWith: "end" });
    const events = sseEvents((await stream({ inputs: "x" })).body);
    expect(events.filter((e) => e.event === "token")).toHaveLength(3);
    expect(events.map((e) => e.event)).not.toContain("done");
    expect(events.at(-1)).toEqual({
      event: "error",
      data: apiError("upstream_error", expect.stringContaining("incomplete")),
    });
  });

  it("stream: a stream with no token at all and no final event is a 502, not an empty success", async () => {
    rig.emulator.behave("ep-mistral", { cutAfterTokens: 0, cutWith: "end" });
    const answer = await stream({ inputs: "x" });
    expect([answer.statusCode, answer.json.error.code]).toEqual([502, "upstream_error"]);
  });

  it.each(["mistral", "falcon"])(
    "chat (%s): a cut-short stream ends with an error chunk and no [DONE]",
    async (model) => {
      rig.emulator.behave(model === "mistral" ? "ep-mistral" : "ep-falcon", { cutAfterTokens: 2, cutWith: "end" });
      const lines = dataLines((await chat({ model, stream: true })).body);
      expect(lines).not.toContain("[DONE]");
      expect(JSON.parse(lines.at(-1)!)).toEqual(apiError("upstream_error", expect.stringContaining("incomplete")));
      rig.emulator.behave("ep-falcon", {});
    },
  );

  it("a whole stream still ends in done and [DONE] (the check can pass)", async () => {
    expect(sseEvents((await stream({ inputs: "x" })).body).at(-1)!.event).toBe("done");
    expect(dataLines((await chat({ stream: true })).body).at(-1)).toBe("[DONE]");
  });
});

describe("status of a connection that drops", () => {
  it.each([
    ["invoke", "/mistral/invoke", { inputs: "x" }],
    ["stream", "/mistral/stream", { inputs: "x" }],
    ["openai", "/v1/chat/completions", { model: "mistral", messages, stream: true }],
  ] as const)("%s: a reset before the first byte is a 502 upstream_error, not a timeout", async (name, path, body) => {
    rig.emulator.behave("ep-mistral", { reset: true });
    const answer = await call(rig[name], apiEvent("POST", path, body));
    expect([answer.statusCode, answer.json.error.code]).toEqual([502, "upstream_error"]);
  });
});

describe("validation against inherited names", () => {
  it.each([
    ['{"inputs":"x","parameters":{"constructor":1}}', "parameters.constructor"],
    ['{"inputs":"x","parameters":{"__proto__":{"max_new_tokens":5}}}', "parameters.__proto__"],
    ['{"inputs":"x","parameters":{"toString":"y"}}', "parameters.toString"],
  ])("refuses %s as an unknown field, without calling the model", async (raw, field) => {
    const calls = rig.emulator.calls.length;
    const answer = await call(rig.invoke, apiEvent("POST", "/mistral/invoke", undefined, raw));
    expect([answer.statusCode, answer.json.error]).toEqual([
      400,
      apiError("invalid_request", `${field} is not a supported field.`, field).error,
    ]);
    expect(rig.emulator.calls.length).toBe(calls);
  });

  it("refuses a chat request with an inherited top-level name", async () => {
    const answer = await call(
      rig.openai,
      apiEvent(
        "POST",
        "/v1/chat/completions",
        undefined,
        '{"model":"mistral","messages":[{"role":"user","content":"x"}],"constructor":1}',
      ),
    );
    expect(answer.statusCode).toBe(400);
  });
});

describe("a model's error message", () => {
  it("is capped: a 10 MB message from the model becomes a short answer", async () => {
    rig.emulator.behave("ep-mistral", { modelStatus: 422, modelMessage: "too long: " + "x".repeat(10 * 1024 * 1024) });
    const answer = await call(rig.invoke, apiEvent("POST", "/mistral/invoke", { inputs: "x" }));
    expect(answer.statusCode).toBe(422);
    expect(answer.body.length).toBeLessThan(MAX_MODEL_MESSAGE_CHARS + 200);
    expect(answer.json.error.message.startsWith("too long: xxx")).toBe(true);
  });

  it("keeps tracebacks and file paths out of the answer", async () => {
    const trace =
      'Input validation error: bad\nTraceback (most recent call last):\n  File "/opt/conda/lib/python3.11/site-packages/text_generation_server/server.py", line 42';
    rig.emulator.behave("ep-mistral", { modelStatus: 422, modelMessage: trace });
    const answer = await call(rig.invoke, apiEvent("POST", "/mistral/invoke", { inputs: "x" }));
    expect(answer.json.error.message).toBe("Input validation error: bad");
    rig.emulator.behave("ep-mistral", {
      modelStatus: 422,
      modelMessage: "cannot load /opt/ml/model/weights.py:12 here",
    });
    expect((await call(rig.invoke, apiEvent("POST", "/mistral/invoke", { inputs: "x" }))).json.error.message).toBe(
      "cannot load <path> here",
    );
  });

  it("whole answers are untouched (the check can pass)", async () => {
    expect((await call(rig.invoke, apiEvent("POST", "/mistral/invoke", { inputs: "x" }))).json).toEqual({
      generated_text: VOCABULARY.join(""),
    });
  });
});
