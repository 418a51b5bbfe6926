import { APIError, BadRequestError } from "openai";
import type { ResponseInput, Tool } from "openai/resources/responses/responses";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { useOpenAiFixture } from "../helpers/openai-fixture";

// The Responses API (POST /v1/responses) through the official client, configured with a base URL and a key only.
const KEY = "responses-key";
const f = useOpenAiFixture(KEY);

const weather = {
  type: "function" as const,
  name: "get_weather",
  description: "Weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

describe.each([
  ["TGI", "mistral"],
  ["vLLM", "qwen"],
])("responses.create, %s backend", (_backend, model) => {
  it("answers a buffered response with its text, status and usage", async () => {
    const response = await f.openai.responses.create({
      model,
      input: "Say hello",
      instructions: "Be brief.",
      max_output_tokens: 4,
    });
    expect(response).toMatchObject({
      object: "response",
      model,
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      store: false,
    });
    expect(response.output_text).toBe(VOCABULARY.slice(0, 4).join(""));
    expect(response.usage).toMatchObject({ output_tokens: 4, total_tokens: response.usage!.input_tokens + 4 });
    expect(response.id).toMatch(/^resp_/);
  });

  it("streams the documented event sequence, ending in response.completed", async () => {
    const stream = await f.openai.responses.create({
      model,
      input: [{ role: "user", content: "Say hello" }],
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    let final: unknown;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") final = event.response;
    }
    const deltas = types.filter((t) => t === "response.output_text.delta").length;
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(deltas).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(text).toBe(VOCABULARY.join(""));
    expect(final).toMatchObject({
      status: "completed",
      output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text }] }],
    });
  });

  it("calls a function tool, then answers from the tool's result (buffered and streamed)", async () => {
    const first = await f.openai.responses.create({ model, input: "Weather in Paris?", tools: [weather] });
    const [call] = first.output;
    expect(call).toMatchObject({ type: "function_call", name: "get_weather", status: "completed" });
    if (call.type !== "function_call") throw new Error("expected a function call");
    expect(JSON.parse(call.arguments)).toEqual({ city: "Paris" });

    const stream = f.openai.responses.stream({ model, input: "Weather in Paris?", tools: [weather] });
    const argumentDeltas: string[] = [];
    stream.on("response.function_call_arguments.delta", (e) => argumentDeltas.push(e.delta));
    const streamed = await stream.finalResponse();
    expect(streamed.output).toMatchObject([
      { type: "function_call", name: "get_weather", arguments: argumentDeltas.join("") },
    ]);

    const second = await f.openai.responses.create({
      model,
      tools: [weather],
      input: [
        { role: "user", content: "Weather in Paris?" },
        { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: '{"celsius": 21}' },
      ],
    });
    expect(second.output_text.length).toBeGreaterThan(0);
    expect(second.output.map((o) => o.type)).toEqual(["message"]);
  });

  it("answers in JSON that fits text.format json_schema", async () => {
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, celsius: { type: "integer" } },
      required: ["city", "celsius"],
    };
    const response = await f.openai.responses.create({
      model,
      input: "Weather in Paris as JSON",
      text: { format: { type: "json_schema", name: "weather", schema, strict: true } },
    });
    expect(JSON.parse(response.output_text)).toEqual({ city: "Paris", celsius: 1 });
    expect(response.text).toEqual({ format: { type: "json_schema", name: "weather", schema, strict: true } });
  });
});

// What Codex CLI 0.169 sends on every turn (captured from it): client_metadata, include of encrypted
// reasoning, its multi-agent tools as a namespace, and the built-in web search tool.
const codexTurn = (model: string, input: ResponseInput) => ({
  model,
  instructions: "You are a coding agent.",
  input,
  client_metadata: { "x-codex-installation-id": "test" },
  include: ["reasoning.encrypted_content" as const],
  prompt_cache_key: "session-1",
  reasoning: { summary: "auto" as const },
  store: false,
  parallel_tool_calls: false,
  tool_choice: "auto" as const,
  tools: [
    {
      type: "namespace" as const,
      name: "multi_agent_v1",
      description: "Work with other agents.",
      tools: [
        {
          type: "function" as const,
          name: "spawn_agent",
          description: "Start an agent.",
          parameters: { type: "object", properties: { task: { type: "string" } } },
        },
      ],
    },
    { type: "web_search" as const, external_web_access: false },
  ] as Tool[],
});

describe.each([
  ["TGI", "mistral"],
  ["vLLM", "qwen"],
])("a Codex turn, %s backend", (_backend, model) => {
  it("calls the namespaced function under its name and namespace, and says web_search was left out", async () => {
    const { data, response } = await f.openai.responses
      .create(codexTurn(model, [{ role: "user", content: "Plan the work." }]))
      .withResponse();
    expect(response.headers.get("x-ignored-tools")).toBe("web_search");
    expect(data.output).toMatchObject([
      { type: "function_call", name: "spawn_agent", namespace: "multi_agent_v1", status: "completed" },
    ]);
    const model_saw = f.rig.emulator.calls.at(-1)!.body as { tools: { function: { name: string } }[] };
    expect(model_saw.tools.map((t) => t.function.name)).toEqual(["multi_agent_v1__spawn_agent"]);
  });

  it("streams the call the same way, then takes the call and its output back", async () => {
    const stream = f.openai.responses.stream(codexTurn(model, [{ role: "user", content: "Plan the work." }]));
    const done: string[] = [];
    stream.on("response.function_call_arguments.done", (e) => done.push(e.name));
    const streamed = await stream.finalResponse();
    const [call] = streamed.output;
    expect(call).toMatchObject({ type: "function_call", name: "spawn_agent", namespace: "multi_agent_v1" });
    expect(done).toEqual(["spawn_agent"]);
    if (call.type !== "function_call") throw new Error("expected a function call");

    const next = await f.openai.responses.create(
      codexTurn(model, [
        { type: "message", role: "developer", content: "Sandbox: read-only." },
        { role: "user", content: "Plan the work." },
        {
          type: "function_call",
          id: call.id,
          call_id: call.call_id,
          name: call.name,
          namespace: call.namespace,
          arguments: call.arguments,
          status: "completed",
        },
        { type: "function_call_output", call_id: call.call_id, output: "agent started" },
      ]),
    );
    expect(next.output.map((o) => o.type)).toEqual(["message"]);
    const sent = f.rig.emulator.calls.at(-1)!.body as { messages: { tool_calls?: { function: { name: string } }[] }[] };
    expect(sent.messages.flatMap((m) => m.tool_calls ?? []).map((c) => c.function.name)).toEqual([
      "multi_agent_v1__spawn_agent",
    ]);
  });
});

describe("include: message.output_text.logprobs", () => {
  it("gives each output token's log probability, buffered and streamed", async () => {
    const include = ["message.output_text.logprobs" as const];
    const whole = await f.openai.responses.create({ model: "qwen", input: "Say hello", include, max_output_tokens: 3 });
    const part = whole.output[0].type === "message" ? whole.output[0].content[0] : undefined;
    expect(part?.type === "output_text" && part.logprobs?.map((l) => l.token)).toEqual(VOCABULARY.slice(0, 3));

    const stream = f.openai.responses.stream({ model: "qwen", input: "Say hello", include, max_output_tokens: 3 });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (e) => deltas.push(...e.logprobs.map((l) => l.token)));
    const streamed = await stream.finalResponse();
    const streamedPart = streamed.output[0].type === "message" ? streamed.output[0].content[0] : undefined;
    expect(deltas).toEqual(VOCABULARY.slice(0, 3));
    expect(streamedPart?.type === "output_text" && streamedPart.logprobs?.length).toBe(3);
  });
});

describe("what needs state or OpenAI's own tools is refused by name", () => {
  it.each([
    [{ previous_response_id: "resp_1" }, "previous_response_id"],
    [{ conversation: "conv_1" }, "conversation"],
    [{ background: true }, "background"],
    [{ include: ["reasoning.encrypted_content", "file_search_call.results"] }, "include[1]"],
    [{ tools: [{ type: "function", name: "f" }, { type: "retrieval" }] }, "tools[1].type"],
    [{ input: [{ type: "item_reference", id: "msg_1" }] }, "input[0].type"],
    [{ input: [{ role: "user", content: [{ type: "input_file", file_id: "file-1" }] }] }, "input[0].content[0]"],
  ])("%j: 400 with param", async (change, param) => {
    const error = await f.openai.responses
      .create({ model: "mistral", input: "x", ...change } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect([(error as BadRequestError).param, (error as BadRequestError).type]).toEqual([
      param,
      "invalid_request_error",
    ]);
    expect((error as BadRequestError).message).toMatch(/./);
  });

  it("takes store: true, and says the response was not stored", async () => {
    const response = await f.openai.responses.create({
      model: "mistral",
      input: "x",
      store: true,
      metadata: { team: "a" },
    });
    expect([(response as unknown as { store: boolean }).store, response.metadata]).toEqual([false, { team: "a" }]);
  });
});

describe("a stream that fails", () => {
  it("ends with response.failed and an error event, never response.completed", async () => {
    f.rig.emulator.behave("ep-mistral", { cutAfterTokens: 2, cutWith: "ModelStreamError" });
    try {
      const stream = await f.openai.responses.create({ model: "mistral", input: "x", stream: true });
      const types: string[] = [];
      const error = await (async () => {
        for await (const event of stream) types.push(event.type);
      })().catch((e: unknown) => e);
      expect(types).toContain("response.failed");
      expect(types).not.toContain("response.completed");
      // The SDK either yields the error event or raises it: either way the stream is not a success.
      expect(types.at(-1) === "error" || error instanceof APIError).toBe(true);
    } finally {
      f.rig.emulator.behave("ep-mistral", {});
    }
  });
});
