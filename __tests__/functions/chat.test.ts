import { apiError } from "../helpers/api-error";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { apiEvent, call, startRig, type HandlerRig } from "../helpers/handlers";

// The OpenAI-compatible routes, through the real SDK and the emulator.
let rig: HandlerRig;
beforeAll(async () => (rig = await startRig()));
afterAll(() => rig.stop());
beforeEach(() => {
  for (const e of ["ep-mistral", "ep-falcon"]) rig.emulator.behave(e, {});
});

const messages = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Say hello" },
];
const chat = (body: Record<string, unknown>) => call(rig.openai, apiEvent("POST", "/v1/chat/completions", body));

/** The data payloads of an OpenAI-style stream. */
const dataLines = (body: string) =>
  body
    .split("\n\n")
    .filter(Boolean)
    .map((b) => b.replace(/^data: /, ""));

describe("GET /v1/models", () => {
  it("lists the configured models, OpenAI style", async () => {
    const answer = await call(rig.openai, apiEvent("GET", "/v1/models"));
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toEqual({
      object: "list",
      data: ["mistral", "falcon", "tiny", "gone", "vllm", "qwen", "bge", "qwen-vl"].map((id) => ({
        id,
        object: "model",
        created: 0,
        owned_by: "llm-api",
      })),
    });
  });
});

describe("POST /v1/chat/completions", () => {
  it("with a TGI model, it uses TGI's chat API and answers a chat.completion with usage", async () => {
    const answer = await chat({ model: "mistral", messages, max_tokens: 5, temperature: 0.2 });
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-req-/),
      object: "chat.completion",
      model: "mistral",
      choices: [
        { index: 0, message: { role: "assistant", content: VOCABULARY.slice(0, 5).join("") }, finish_reason: "length" },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 },
    });
    expect(rig.emulator.calls.at(-1)).toMatchObject({
      endpoint: "ep-mistral",
      body: { messages, max_tokens: 5, temperature: 0.2, stream: false },
    });
  });

  it("with a model without a chat template, it renders the conversation as a prompt for the generate API", async () => {
    const answer = await chat({ model: "falcon", messages, max_completion_tokens: 3, temperature: 0, stop: "\n" });
    expect(answer.json.choices[0]).toMatchObject({
      message: { content: VOCABULARY.slice(0, 3).join("") },
      finish_reason: "length",
    });
    expect(answer.json.usage).toBeUndefined();
    expect(rig.emulator.calls.at(-1)!.body).toEqual({
      inputs: "System: Be brief.\nUser: Say hello\nAssistant:",
      parameters: { details: true, return_full_text: false, max_new_tokens: 3, do_sample: false, stop: ["\n"] },
    });
  });

  it("with stream: true, it sends chat.completion.chunk events ending in [DONE], with usage when asked", async () => {
    const answer = await chat({ model: "mistral", messages, stream: true, stream_options: { include_usage: true } });
    expect(answer.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    const lines = dataLines(answer.body);
    expect(lines.at(-1)).toBe("[DONE]");
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l));
    for (const c of chunks)
      expect(c).toMatchObject({ object: "chat.completion.chunk", model: "mistral", id: chunks[0].id });
    expect(
      chunks.flatMap((c) => c.choices.map((ch: { delta: { content?: string } }) => ch.delta.content ?? "")).join(""),
    ).toBe(VOCABULARY.join(""));
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0].finish_reason)).toEqual(["stop"]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: VOCABULARY.length } });
  });

  it("with stream: true on a prompt-mode model, it turns generate tokens into deltas, role first", async () => {
    rig.emulator.behave("ep-falcon", { chunkBytes: 3 });
    const lines = dataLines((await chat({ model: "falcon", messages, stream: true, max_tokens: 4 })).body);
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l));
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      { role: "assistant", content: VOCABULARY[0] },
      ...VOCABULARY.slice(1, 4).map((content) => ({ content })),
      {},
    ]);
    expect(chunks.at(-1).choices[0].finish_reason).toBe("length");
    expect(lines.at(-1)).toBe("[DONE]");
  });

  it("with stream: true on a model that cannot stream, it sends the answer as one chunk", async () => {
    const lines = dataLines((await chat({ model: "tiny", messages, stream: true })).body);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]).choices[0].delta).toEqual({ role: "assistant", content: VOCABULARY.join("") });
    expect(lines[2]).toBe("[DONE]");
  });

  it.each([
    [
      { functions: [], logit_bias: {} },
      "unsupported_parameter",
      "functions",
      "Unsupported parameters: functions, logit_bias.",
    ],
    [
      { response_format: { type: "xml" } },
      "invalid_request",
      "response_format.type",
      'response_format.type must be one of "text", "json_object", "json_schema".',
    ],
    [{ tool_choice: "auto" }, "invalid_request", "tool_choice", "tool_choice needs tools to choose from."],
    [
      {
        tools: [{ type: "function", function: { name: "a" } }],
        tool_choice: { type: "function", function: { name: "b" } },
      },
      "invalid_request",
      "tool_choice",
      'tool_choice names "b", which is not among the tools.',
    ],
    [
      { messages: [{ role: "tool", content: "42" }] },
      "invalid_request",
      "messages[0].tool_call_id",
      "messages[0].tool_call_id is required: name the tool call this result answers.",
    ],
    [{ messages: [{ role: "user" }] }, "invalid_request", "messages[0].content", "messages[0].content is required."],
    [{ n: 2 }, "invalid_request", "n", "n must be at most 1."],
    [{ stop: [1] }, "invalid_request", "stop", "stop must be a string or up to 4 non-empty strings."],
    [{ temperature: 3 }, "invalid_request", "temperature", "temperature must be at most 2."],
    [{ messages: [] }, "invalid_request", "messages", "messages must have at least 1 item(s)."],
    [
      { messages: [{ role: "wizard", content: "x" }] },
      "invalid_request",
      "messages[0].role",
      'messages[0].role must be one of "system", "developer", "user", "assistant", "tool".',
    ],
  ])("fails with 400 naming the field when given %j", async (change, type, field, message) => {
    const answer = await chat({ model: "mistral", messages, ...change });
    expect(answer.statusCode).toBe(400);
    expect(answer.json).toEqual(apiError(type, message, field));
  });

  it("fails with 404 for a model that is not configured", async () => {
    const answer = await chat({ model: "gpt-4o", messages });
    expect(answer.statusCode).toBe(404);
    expect(answer.json.error).toMatchObject({ code: "model_not_found", param: "model" });
  });

  it("passes the model's 422 through before streaming starts", async () => {
    rig.emulator.behave("ep-mistral", { modelStatus: 422, modelMessage: "Input validation error: too long" });
    const answer = await chat({ model: "mistral", messages, stream: true });
    expect([answer.statusCode, answer.json.error.message]).toEqual([422, "Input validation error: too long"]);
  });

  it("when the stream fails midway, it sends an error object and ends without [DONE]", async () => {
    rig.emulator.behave("ep-mistral", { cutAfterTokens: 2, cutWith: "ModelStreamError" });
    const lines = dataLines((await chat({ model: "mistral", messages, stream: true })).body);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2])).toEqual(apiError("model_stream_error", expect.any(String)));
  });

  it("takes content as a list of text parts, and accepts (and ignores) user, metadata, store and service_tier", async () => {
    const parts = [
      { type: "text", text: "Say" },
      { type: "text", text: "hello" },
    ];
    const answer = await chat({
      model: "mistral",
      messages: [{ role: "user", content: parts }],
      user: "u1",
      metadata: { team: "x" },
      store: false,
      service_tier: "auto",
    });
    expect(answer.statusCode).toBe(200);
    expect(rig.emulator.calls.at(-1)!.body.messages).toEqual([{ role: "user", content: "Say\nhello" }]);
  });

  it.each([
    [
      [{ type: "image_url", image_url: { url: "https://x.example/cat.png" } }],
      "unsupported_content",
      'messages[0].content[0]: model "mistral" takes text only. Models that take images here: qwen-vl.',
    ],
    [
      [{ type: "text" }],
      "invalid_request",
      'messages[0].content[0] must be a part like {"type": "text", "text": "..."}.',
    ],
    [42, "invalid_request", "messages[0].content must be a string or a list of content parts."],
  ])("refuses content %j with a 400 that names the part", async (content, type, message) => {
    const calls = rig.emulator.calls.length;
    const answer = await chat({ model: "mistral", messages: [{ role: "user", content }] });
    expect([answer.statusCode, answer.json.error.code, answer.json.error.message]).toEqual([400, type, message]);
    expect(rig.emulator.calls.length).toBe(calls);
  });
});
