import type { Tool } from "openai/resources/responses/responses";
import type { ResponsesBody } from "../../contract/responses-request";
import { HttpError } from "../../functions/lib/errors";
import { planOf } from "../../functions/openai/lib/responses-input";
import { IGNORED_TOOLS, callNameOf } from "../../functions/openai/lib/responses-tools";

// How a Responses request becomes the chat request the model runs: include values, tool types, ignored fields.
const plan = (extra: Partial<ResponsesBody> & Record<string, unknown>) =>
  planOf({ model: "m", input: "hi", ...extra } as ResponsesBody);

function refusal(extra: Record<string, unknown>): { status: number; param: string | null; message: string } {
  try {
    plan(extra);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    return { status: err.statusCode, param: err.field ?? null, message: err.message };
  }
  throw new Error("taken, not refused");
}

const weather = {
  type: "function",
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
} as const;

describe("include", () => {
  it("takes reasoning.encrypted_content, which asks for nothing stored, and changes nothing", () => {
    expect(plan({ include: ["reasoning.encrypted_content"] }).chat).toEqual(plan({}).chat);
  });

  it("honours message.output_text.logprobs: the model is asked for them, top_logprobs alongside", () => {
    expect(plan({ include: ["message.output_text.logprobs"] })).toMatchObject({
      logprobs: true,
      chat: { logprobs: true, top_logprobs: 0 },
    });
    expect(plan({ include: ["message.output_text.logprobs"], top_logprobs: 3 }).chat).toMatchObject({
      logprobs: true,
      top_logprobs: 3,
    });
    expect(refusal({ include: ["message.output_text.logprobs"], top_logprobs: 21 })).toMatchObject({
      param: "top_logprobs",
    });
  });

  it.each([
    "file_search_call.results",
    "web_search_call.results",
    "web_search_call.action.sources",
    "message.input_image.image_url",
    "computer_call_output.output.image_url",
    "code_interpreter_call.outputs",
  ])("refuses %s, naming the value and what is taken", (value) => {
    const r = refusal({ include: ["reasoning.encrypted_content", value] });
    expect(r).toMatchObject({ status: 400, param: "include[1]" });
    expect(r.message).toBe(
      `include[1]: "${value}" asks for a built-in tool's output or a stored image, which do not exist here; only "message.output_text.logprobs" and "reasoning.encrypted_content" are taken.`,
    );
  });

  it("refuses an include that is not a list", () => {
    expect(refusal({ include: "reasoning.encrypted_content" })).toMatchObject({
      param: "include",
      message: "include must be a list of strings.",
    });
  });
});

describe("ignored fields", () => {
  it("takes client_metadata, prompt_cache_key, reasoning and store: false, and sends the model none of them", () => {
    const chat = plan({
      client_metadata: { session_id: "s" },
      prompt_cache_key: "k",
      reasoning: { summary: "auto" },
      store: false,
    }).chat;
    expect(chat).toEqual(plan({}).chat);
  });
});

describe("tools", () => {
  it("passes function tools on as chat function tools", () => {
    expect(plan({ tools: [weather] }).chat.tools).toEqual([
      { type: "function", function: { name: "get_weather", parameters: weather.parameters } },
    ]);
  });

  it("gives the model a namespace's function tools under joined names, described by the namespace too", () => {
    const ns = {
      type: "namespace",
      name: "crm",
      description: "Customer records.",
      tools: [
        { type: "function", name: "lookup", description: "Find a customer.", parameters: { type: "object" } },
        { type: "custom", name: "note" },
      ],
    } satisfies Tool;
    const p = plan({ tools: [weather, ns] });
    expect(p.chat.tools).toEqual([
      { type: "function", function: { name: "get_weather", parameters: weather.parameters } },
      {
        type: "function",
        function: {
          name: "crm__lookup",
          description: "Customer records. Find a customer.",
          parameters: { type: "object" },
        },
      },
    ]);
    expect(p.tools.ignored).toEqual(["custom:crm.note"]);
    expect(callNameOf("crm__lookup", p.tools.namespaced)).toEqual({ name: "lookup", namespace: "crm" });
    expect(callNameOf("get_weather", p.tools.namespaced)).toEqual({ name: "get_weather" });
  });

  it("sends a namespaced call the client passes back under the name the model called", () => {
    const input = [
      { role: "user", content: "who is 7?" },
      { type: "function_call", call_id: "c1", name: "lookup", namespace: "crm", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: "Ada" },
    ];
    const ns = { type: "namespace", name: "crm", description: "", tools: [{ type: "function", name: "lookup" }] };
    const messages = plan({ input, tools: [ns] } as never).chat.messages as {
      tool_calls?: { function: { name: string } }[];
    }[];
    expect(messages[1].tool_calls?.[0].function.name).toBe("crm__lookup");
  });

  it.each(Object.keys(IGNORED_TOOLS))("leaves %s out of what the model sees, and lists it", (type) => {
    const p = plan({ tools: [{ type }, weather] as never });
    expect(p.chat.tools).toEqual([
      { type: "function", function: { name: "get_weather", parameters: weather.parameters } },
    ]);
    expect(p.tools.ignored).toEqual([type]);
  });

  it("names a named ignored tool by its name too", () => {
    expect(plan({ tools: [{ type: "custom", name: "apply_patch" }] as never }).tools.ignored).toEqual([
      "custom:apply_patch",
    ]);
  });

  it("refuses a tool type the Responses API does not define, naming the ones it takes", () => {
    expect(refusal({ tools: [weather, { type: "retrieval" }] })).toEqual({
      status: 400,
      param: "tools[1].type",
      message:
        'tools[1].type "retrieval" is not a tool type of the Responses API: use "function" or "namespace" (built-in tools such as "web_search" are left out).',
    });
  });

  it("refuses two tools the model would see under one name", () => {
    const ns = { type: "namespace", name: "crm", description: "", tools: [{ type: "function", name: "lookup" }] };
    expect(refusal({ tools: [{ type: "function", name: "crm__lookup" }, ns] })).toMatchObject({
      param: "tools[1].tools[0]",
    });
  });
});

describe("tool_choice", () => {
  const ns = { type: "namespace", name: "crm", description: "", tools: [{ type: "function", name: "lookup" }] };

  it("names a namespaced function by its joined name", () => {
    expect(
      plan({ tools: [ns], tool_choice: { type: "function", name: "lookup", namespace: "crm" } }).chat.tool_choice,
    ).toEqual({
      type: "function",
      function: { name: "crm__lookup" },
    });
  });

  it("refuses a choice of a tool left out, saying why", () => {
    expect(refusal({ tools: [{ type: "web_search" }, weather], tool_choice: { type: "web_search" } })).toEqual({
      status: 400,
      param: "tool_choice",
      message:
        'tool_choice asks for web_search, a built-in tool this API leaves out (OpenAI\'s servers run the search); choose a function tool, "auto", "required" or "none".',
    });
  });
});
