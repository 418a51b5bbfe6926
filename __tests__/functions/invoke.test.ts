import { VOCABULARY } from "../../local/emulator/serving-container";
import { apiEvent, call, startRig, type HandlerRig } from "../helpers/handlers";

// POST /{model}/invoke through the real SDK and the SageMaker emulator.
let rig: HandlerRig;
beforeAll(async () => (rig = await startRig()));
afterAll(() => rig.stop());
beforeEach(() => {
  rig.emulator.behave("ep-mistral", {});
  rig.emulator.calls.length = 0;
});

const invoke = (body: unknown, model = "mistral") => call(rig.invoke, apiEvent("POST", `/${model}/invoke`, body));

describe("POST /{model}/invoke", () => {
  it("passes {inputs, parameters} to the endpoint and answers {generated_text}", async () => {
    // Prepare
    const body = {
      inputs: "Say hello",
      parameters: {
        max_new_tokens: 4,
        temperature: 0.7,
        top_p: 0.9,
        repetition_penalty: 1.1,
        stop: ["\n"],
        do_sample: true,
      },
    };
    // Act
    const answer = await invoke(body);
    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toEqual({ generated_text: VOCABULARY.slice(0, 4).join("") });
    expect(answer.headers["x-request-id"]).toMatch(/^req-/);
    expect(rig.emulator.calls).toEqual([
      expect.objectContaining({
        endpoint: "ep-mistral",
        stream: false,
        body: { inputs: "Say hello", parameters: body.parameters },
      }),
    ]);
  });

  it("works for a serverless (non-streaming) model too", async () => {
    const answer = await invoke({ inputs: "x" }, "tiny");
    expect([answer.statusCode, answer.json.generated_text]).toEqual([200, VOCABULARY.join("")]);
  });

  // Every row has five entries: a shorter row would hand jest's `done` callback to the test.
  const bad: [string, unknown, number, string, string | undefined][] = [
    ["no body", undefined, 400, "invalid_request", undefined],
    ["inputs missing", { parameters: {} }, 400, "invalid_request", "inputs"],
    ["inputs empty", { inputs: "" }, 400, "invalid_request", "inputs"],
    ["inputs not a string", { inputs: 42 }, 400, "invalid_request", "inputs"],
    [
      "an unknown parameter",
      { inputs: "x", parameters: { max_tokens: 5 } },
      400,
      "invalid_request",
      "parameters.max_tokens",
    ],
    [
      "temperature 0",
      { inputs: "x", parameters: { temperature: 0 } },
      400,
      "invalid_request",
      "parameters.temperature",
    ],
    ["top_p of 1", { inputs: "x", parameters: { top_p: 1 } }, 400, "invalid_request", "parameters.top_p"],
    [
      "a fractional max_new_tokens",
      { inputs: "x", parameters: { max_new_tokens: 1.5 } },
      400,
      "invalid_request",
      "parameters.max_new_tokens",
    ],
    [
      "five stop sequences",
      { inputs: "x", parameters: { stop: ["a", "b", "c", "d", "e"] } },
      400,
      "invalid_request",
      "parameters.stop",
    ],
    ["a top-level array", [1, 2], 400, "invalid_request", "body"],
  ];
  it.each(bad)(
    "fails with 400 and a JSON error naming the field when given %s, without calling the model",
    async (_, body, status, type, field) => {
      const answer = await invoke(body);
      expect(answer.statusCode).toBe(status);
      expect(answer.json.error).toMatchObject({ code: type, ...(field ? { param: field } : {}) });
      expect(typeof answer.json.error.message).toBe("string");
      expect(rig.emulator.calls).toHaveLength(0);
    },
  );

  it("fails with 400 when the body is not JSON", async () => {
    const answer = await call(rig.invoke, apiEvent("POST", "/mistral/invoke", undefined, "{not json"));
    expect([answer.statusCode, answer.json.error.code]).toEqual([400, "invalid_json"]);
  });

  it("fails with 413 when the body is larger than 512 KiB", async () => {
    const answer = await invoke({ inputs: "x".repeat(600 * 1024) });
    expect([answer.statusCode, answer.json.error.code]).toEqual([413, "request_too_large"]);
    expect(rig.emulator.calls).toHaveLength(0);
  });

  it("fails with 404 for a model that is not configured", async () => {
    const answer = await invoke({ inputs: "x" }, "gpt-9");
    expect(answer.statusCode).toBe(404);
    expect(answer.json.error).toMatchObject({ code: "model_not_found", param: "model" });
  });

  const failures: [string, Parameters<HandlerRig["emulator"]["behave"]>[1], number, string][] = [
    [
      "the model rejects the input (TGI 422)",
      { modelStatus: 422, modelMessage: "Input validation error: inputs tokens + max_new_tokens must be <= 4096" },
      422,
      "model_rejected_request",
    ],
    ["the model is overloaded (TGI 429)", { modelStatus: 429 }, 429, "model_overloaded"],
    ["the model fails (TGI 500)", { modelStatus: 500 }, 424, "model_error"],
    ["the model fails its dependency (TGI 424)", { modelStatus: 424 }, 424, "model_error"],
    ["SageMaker throttles", { throttle: true }, 429, "throttled"],
    ["the model is not ready", { notReady: true }, 503, "model_unavailable"],
    ["SageMaker is unavailable", { unavailable: true }, 503, "model_unavailable"],
  ];
  it.each(failures)("when %s, it answers the right status with a JSON error", async (_, behaviour, status, type) => {
    rig.emulator.behave("ep-mistral", behaviour);
    const answer = await invoke({ inputs: "x" });
    expect([answer.statusCode, answer.json.error.code]).toEqual([status, type]);
  });

  it("passes the model's own message for its 4xx", async () => {
    rig.emulator.behave("ep-mistral", { modelStatus: 422, modelMessage: "Input validation error: too many tokens" });
    const answer = await invoke({ inputs: "x" });
    expect(answer.json.error.message).toBe("Input validation error: too many tokens");
  });

  it("answers 503 when the endpoint does not exist (deleted or not yet in service)", async () => {
    const answer = await invoke({ inputs: "x" }, "gone");
    expect([answer.statusCode, answer.json.error.code]).toEqual([503, "model_unavailable"]);
  });

  it("answers 504 when the model does not answer before the function's time runs out", async () => {
    rig.emulator.behave("ep-mistral", { stallMs: 3000 });
    const started = Date.now();
    const answer = await call(rig.invoke, apiEvent("POST", "/mistral/invoke", { inputs: "x" }), 2000);
    expect([answer.statusCode, answer.json.error.code]).toEqual([504, "timeout"]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
