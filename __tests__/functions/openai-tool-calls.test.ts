import OpenAI from "openai";
import { ChatOpenAI } from "@langchain/openai";
import { useOpenAiFixture } from "../helpers/openai-fixture";
import { runAiSdk } from "../helpers/ai-sdk";

// Tools, tool results and JSON mode through the real clients, configured with a base URL and a key only,
// against both backend shapes: TGI (arguments as an object, every call "0", finish "stop") and vLLM (OpenAI's).
const KEY = "tool-calls-key";
const f = useOpenAiFixture(KEY);

const weather = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather in a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, days: { type: "integer" } },
      required: ["city"],
    },
  },
};
const ask = [{ role: "user" as const, content: "Weather in Paris?" }];
const BACKENDS = [
  ["TGI", "mistral"],
  ["vLLM", "qwen"],
] as const;

describe.each(BACKENDS)("the openai client, %s backend", (_backend, model) => {
  it("gets a tool call in OpenAI's shape: arguments as JSON text, an id of this API, finish_reason tool_calls", async () => {
    const reply = await f.openai.chat.completions.create({ model, messages: ask, tools: [weather] });
    const choice = reply.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    const [call] = choice.message.tool_calls!;
    expect(call).toMatchObject({ type: "function", function: { name: "get_weather" } });
    expect(call.id).toMatch(/^call_chatcmpl-/);
    if (call.type !== "function") throw new Error("expected a function call");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris", days: 1 });
  });

  it("streams a tool call as argument deltas that add up to the arguments", async () => {
    const stream = await f.openai.chat.completions.create({
      model,
      messages: ask,
      tools: [weather],
      tool_choice: "required",
      stream: true,
    });
    let args = "";
    const names: string[] = [];
    const ids: string[] = [];
    let finish: string | null = null;
    for await (const part of stream) {
      for (const delta of part.choices[0]?.delta.tool_calls ?? []) {
        if (delta.function?.name) names.push(delta.function.name);
        if (delta.id) ids.push(delta.id);
        args += delta.function?.arguments ?? "";
      }
      finish = part.choices[0]?.finish_reason ?? finish;
    }
    expect([names, ids.length, JSON.parse(args), finish]).toEqual([
      ["get_weather"],
      1,
      { city: "Paris", days: 1 },
      "tool_calls",
    ]);
  });

  it("sends the tool's result back and gets the answer in text", async () => {
    const first = await f.openai.chat.completions.create({ model, messages: ask, tools: [weather] });
    const call = first.choices[0].message.tool_calls![0];
    const reply = await f.openai.chat.completions.create({
      model,
      tools: [weather],
      messages: [
        ...ask,
        first.choices[0].message,
        { role: "tool", tool_call_id: call.id, content: '{"sky": "clear"}' },
      ],
    });
    expect(reply.choices[0].finish_reason).toBe("stop");
    expect(reply.choices[0].message.content).toEqual(expect.any(String));
    // The backend got the whole turn: the call, and the result under its id.
    const sent = f.rig.emulator.calls.at(-1)!.body as {
      messages: { role: string; tool_call_id?: string; tool_calls?: unknown[] }[];
    };
    expect(sent.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(sent.messages[2].tool_call_id).toBe(call.id);
  });

  it("answers in JSON mode with JSON, and in json_schema mode with JSON that fits the schema", async () => {
    const json = await f.openai.chat.completions.create({
      model,
      messages: [{ role: "user", content: "JSON please" }],
      response_format: { type: "json_object" },
    });
    expect(typeof JSON.parse(json.choices[0].message.content!)).toBe("object");
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, warm: { type: "boolean" } },
      required: ["city", "warm"],
    };
    const fitted = await f.openai.chat.completions.create({
      model,
      messages: [{ role: "user", content: "JSON please" }],
      response_format: { type: "json_schema", json_schema: { name: "weather", schema } },
    });
    expect(JSON.parse(fitted.choices[0].message.content!)).toEqual({ city: "Paris", warm: true });
  });

  it("passes log probabilities on", async () => {
    const reply = await f.openai.chat.completions.create({ model, messages: ask, logprobs: true, top_logprobs: 2 });
    expect(reply.choices[0].logprobs?.content?.[0]).toMatchObject({
      token: expect.any(String),
      logprob: expect.any(Number),
    });
  });
});

describe("what a backend cannot honour", () => {
  it("a prompt-mode model refuses tools, JSON mode and log probabilities by name", async () => {
    const cases: [Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>, string][] = [
      [{ tools: [weather] }, "tools"],
      [{ response_format: { type: "json_object" } }, "response_format"],
      [{ logprobs: true }, "logprobs"],
    ];
    for (const [extra, field] of cases) {
      const error = await f.openai.chat.completions
        .create({ model: "falcon", messages: ask, ...extra })
        .catch((e: unknown) => e);
      expect([
        field,
        (error as { status: number }).status,
        (error as { error: { param: string } }).error.param,
      ]).toEqual([field, 400, field]);
    }
  });

  it("vLLM without a tool-call parser refuses tool_choice auto, naming the fix, and takes a named tool", async () => {
    const error = await f.openai.chat.completions
      .create({ model: "vllm", messages: ask, tools: [weather] })
      .catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(400);
    expect((error as { error: { message: string } }).error.message).toContain("toolCallParser");
    const named = await f.openai.chat.completions.create({
      model: "vllm",
      messages: ask,
      tools: [weather],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    expect(named.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: "get_weather" } });
  });
});

describe.each(BACKENDS)("LangChain's ChatOpenAI, %s backend", (_backend, model) => {
  const chat = () =>
    new ChatOpenAI({ model, apiKey: KEY, configuration: { baseURL: f.server.baseURL }, maxRetries: 0 });

  it("binds a tool and gets its call with parsed arguments, buffered and streamed", async () => {
    const bound = chat().bindTools([weather]);
    const reply = await bound.invoke("Weather in Paris?");
    expect(reply.tool_calls).toEqual([
      expect.objectContaining({ name: "get_weather", args: { city: "Paris", days: 1 } }),
    ]);
    let merged: Awaited<ReturnType<typeof bound.invoke>> | undefined;
    for await (const piece of await bound.stream("Weather in Paris?"))
      merged = merged ? (merged.concat(piece) as typeof merged) : piece;
    expect(merged?.tool_calls).toEqual([
      expect.objectContaining({ name: "get_weather", args: { city: "Paris", days: 1 } }),
    ]);
  });

  it("gives structured output by JSON schema, and parsed JSON in JSON mode", async () => {
    const schema = { type: "object", title: "weather", properties: { city: { type: "string" } }, required: ["city"] };
    expect(await chat().withStructuredOutput(schema, { method: "jsonSchema" }).invoke("The weather as JSON")).toEqual({
      city: "Paris",
    });
    // JSON mode sends no schema: the model is only held to JSON.
    expect(await chat().withStructuredOutput(schema, { method: "jsonMode" }).invoke("The weather as JSON")).toEqual(
      expect.any(Object),
    );
  });
});

const aiSdk = (call: string) =>
  runAiSdk(
    `const weather = tool({ description: "Weather in a city", inputSchema: jsonSchema(${JSON.stringify(weather.function.parameters)}) }); ${call}`,
    { baseURL: f.server.baseURL, key: KEY },
    "generateText, streamText, tool, jsonSchema",
  );

describe.each(BACKENDS)("the Vercel AI SDK, %s backend", (_backend, model) => {
  it("gets a tool call from generateText and from streamText", async () => {
    const result = await aiSdk(`
      const g = await generateText({ model: provider("${model}"), prompt: "Weather in Paris?", tools: { get_weather: weather }, maxRetries: 0 });
      const s = streamText({ model: provider("${model}"), prompt: "Weather in Paris?", tools: { get_weather: weather }, maxRetries: 0 });
      return { generated: g.toolCalls.map((c) => [c.toolName, c.input]), finish: g.finishReason, streamed: (await s.toolCalls).map((c) => [c.toolName, c.input]) };`);
    expect(result).toEqual({
      generated: [["get_weather", { city: "Paris", days: 1 }]],
      finish: "tool-calls",
      streamed: [["get_weather", { city: "Paris", days: 1 }]],
    });
  });
});

describe("legacy completions (POST /v1/completions) on the generate API", () => {
  const text = "Hello, wörld! Ünïcode 🚀 works here too.";

  it.each(["mistral", "falcon", "vllm", "tiny"])(
    "answers %s through the openai client, buffered and streamed",
    async (model) => {
      const reply = await f.openai.completions.create({ model, prompt: "Say hello", max_tokens: 50 });
      expect([reply.object, reply.choices[0].text, reply.choices[0].finish_reason]).toEqual([
        "text_completion",
        text,
        "stop",
      ]);
      const sent = f.rig.emulator.calls.at(-1)!.body as { inputs: string; parameters: { max_new_tokens: number } };
      expect([sent.inputs, sent.parameters.max_new_tokens]).toEqual(["Say hello", 50]);
      let streamed = "";
      let finish: string | null = null;
      for await (const part of await f.openai.completions.create({
        model,
        prompt: ["Say hello"],
        max_tokens: 3,
        stream: true,
      })) {
        streamed += part.choices[0].text;
        finish = part.choices[0].finish_reason ?? finish;
      }
      expect([streamed, finish]).toEqual([text.slice(0, "Hello, wörld".length), "length"]);
    },
  );

  it("takes OpenAI's default of 16 tokens, and refuses what the generate API cannot do by name", async () => {
    await f.openai.completions.create({ model: "mistral", prompt: "x" });
    expect(
      (f.rig.emulator.calls.at(-1)!.body as { parameters: { max_new_tokens: number } }).parameters.max_new_tokens,
    ).toBe(16);
    for (const [extra, field] of [
      [{ echo: true }, "echo"],
      [{ suffix: "end" }, "suffix"],
      [{ logprobs: 2 }, "logprobs"],
    ] as const) {
      const error = await f.openai.completions
        .create({ model: "mistral", prompt: "x", ...extra })
        .catch((e: unknown) => e);
      expect([
        field,
        (error as { status: number }).status,
        (error as { error: { param: string } }).error.param,
      ]).toEqual([field, 400, field]);
    }
    // best_of > 1 is out of the schema's bounds: the gateway refuses it before the handler.
    expect(
      await f.openai.completions
        .create({ model: "mistral", prompt: "x", best_of: 2 })
        .catch((e: unknown) => (e as { status: number }).status),
    ).toBe(400);
    const many = await f.openai.completions.create({ model: "mistral", prompt: ["a", "b"] }).catch((e: unknown) => e);
    expect((many as { error: { param: string } }).error.param).toBe("prompt");
  });

  it("works from the AI SDK's completion model", async () => {
    const result = await aiSdk(
      `const r = await generateText({ model: provider.completionModel("mistral"), prompt: "Say hello", maxRetries: 0 }); return r.text;`,
    );
    expect(result).toBe("Hello, wörld! Ünïcode 🚀 works here too.".slice(0, result.length));
    expect(result.length).toBeGreaterThan(5);
  });
});
