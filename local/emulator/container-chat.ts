import type { JsonObject } from "../../contract/json";
import { answerFor, type ServerFormat } from "./answers";

/**
 * Chat completions as TGI's Messages API and vLLM (in LMI) answer them, deterministic: a tool call
 * when tools are offered and the last turn is not a tool result; JSON from the schema under a JSON
 * response format; else the vocabulary. The shapes differ where the servers do: TGI gives tool
 * arguments as an object, numbers every call "0", streams the name on the first delta only (null
 * after) and finishes a tool call with "stop"; vLLM follows OpenAI (arguments as text, "tool_calls").
 */
type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[] };

/** A value that fits a (simple) JSON Schema. */
export function exampleOf(schema: Schema | undefined): unknown {
  if (schema?.enum?.length) return schema.enum[0];
  switch (schema?.type) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? { answer: { type: "string" } }).map(([k, v]) => [k, exampleOf(v)]),
      );
    case "array":
      return [exampleOf(schema.items)];
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    default:
      return "Paris";
  }
}

interface ToolCallPlan {
  readonly name: string;
  readonly args: unknown;
}

function toolCallOf(body: JsonObject): ToolCallPlan | undefined {
  const tools = body.tools as { function: { name: string; parameters?: Schema } }[] | undefined;
  const last = (body.messages as { role: string }[]).at(-1);
  if (!tools?.length || body.tool_choice === "none" || last?.role === "tool") return undefined;
  const named = (body.tool_choice as { function?: { name?: string } } | undefined)?.function?.name;
  const tool = tools.find((t) => t.function.name === named) ?? tools[0];
  return { name: tool.function.name, args: exampleOf(tool.function.parameters ?? { type: "object", properties: {} }) };
}

/** The JSON schema a JSON response format asks for, in either server's form. */
function jsonSchemaOf(body: JsonObject): Schema | undefined {
  const format = body.response_format as
    { type?: string; value?: Schema; json_schema?: { schema?: Schema } } | undefined;
  if (!format) return undefined;
  if (format.type === "json") return format.value ?? { type: "object" };
  if (format.type === "json_object") return { type: "object" };
  if (format.type === "json_schema") return format.json_schema?.schema ?? { type: "object" };
  return undefined;
}

/** Text pieces of a string, as a model's tokens would arrive. */
const pieces = (text: string) => text.match(/.{1,4}/gsu) ?? [""];

/** The images of a request, as a vision model sees them: each data: URL's type and size in bytes. */
function imagesOf(body: JsonObject): string[] {
  const parts = (body.messages as { content?: unknown }[]).flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  return parts
    .filter((p: { type?: string }) => p.type === "image_url")
    .map((p: { image_url: { url: string } }) => {
      const data = /^data:(image\/\w+);base64,(.*)$/.exec(p.image_url.url);
      return data ? `${data[1]} ${Buffer.from(data[2], "base64").length} bytes` : `an image at ${p.image_url.url}`;
    });
}

function textAnswer(body: JsonObject) {
  const schema = jsonSchemaOf(body);
  const answer = answerFor(body);
  // A vision model describes what it was shown.
  const images = imagesOf(body);
  if (images.length > 0) {
    const text = `I see ${images.length} image(s): ${images.join("; ")}.`;
    return { ...answer, tokens: pieces(text), finishReason: "eos_token" as const, text };
  }
  if (!schema) return { ...answer, text: answer.tokens.join("") };
  const text = JSON.stringify(exampleOf(schema));
  return { ...answer, tokens: pieces(text), finishReason: "eos_token" as const, text };
}

const logprobsOf = (body: JsonObject, tokens: readonly string[]) =>
  body.logprobs
    ? { content: tokens.map((token) => ({ token, logprob: -0.5, bytes: [...Buffer.from(token)], top_logprobs: [] })) }
    : null;

const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

export function chatBuffered(body: JsonObject, format: ServerFormat): unknown {
  const call = toolCallOf(body);
  const base = { object: "chat.completion", created: 1700000000, model: "tgi" };
  if (call) {
    const tgi = format === "tgi";
    const toolCall = tgi
      ? { id: "0", type: "function", function: { description: null, name: call.name, arguments: call.args } }
      : {
          id: "chatcmpl-tool-1",
          type: "function",
          function: { name: call.name, arguments: JSON.stringify(call.args) },
        };
    return {
      ...base,
      id: "",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: null, tool_calls: [toolCall] },
          logprobs: null,
          finish_reason: tgi ? "stop" : "tool_calls",
        },
      ],
      usage: usage(answerFor(body).promptTokens, 8),
    };
  }
  const answer = textAnswer(body);
  return {
    ...base,
    id: "",
    system_fingerprint: "3.3.6-native",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answer.text },
        logprobs: logprobsOf(body, answer.tokens),
        finish_reason: answer.finishReason === "length" ? "length" : "stop",
      },
    ],
    usage: usage(answer.promptTokens, answer.tokens.length),
  };
}

/** The chunks of a streamed chat answer, before framing (SSE for TGI, JSON lines for LMI). */
export function chatChunks(body: JsonObject, format: ServerFormat): JsonObject[] {
  const tgi = format === "tgi";
  const chunk = (delta: JsonObject, finish: string | null, logprobs: unknown = null) => ({
    id: tgi ? "" : "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1700000000,
    model: "tgi",
    choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
  });
  const call = toolCallOf(body);
  const answer = textAnswer(body);
  const chunks: JsonObject[] = [];
  if (call) {
    const args = pieces(JSON.stringify(call.args));
    args.forEach((piece, i) => {
      const last = i === args.length - 1;
      const first = i === 0;
      const toolCall = tgi
        ? { index: 0, id: "0", type: "function", function: { name: first ? call.name : null, arguments: piece } }
        : first
          ? { index: 0, id: "chatcmpl-tool-1", type: "function", function: { name: call.name, arguments: piece } }
          : { index: 0, function: { arguments: piece } };
      chunks.push(
        chunk(
          { role: "assistant", ...(tgi ? {} : { content: null }), tool_calls: [toolCall] },
          last ? (tgi ? "stop" : "tool_calls") : null,
        ),
      );
    });
  } else {
    answer.tokens.forEach((token, i) => {
      const last = i === answer.tokens.length - 1;
      const finish = last ? (answer.finishReason === "length" ? "length" : tgi ? "stop" : "eos_token") : null;
      chunks.push(
        chunk(
          i === 0 || tgi ? { role: "assistant", content: token } : { content: token },
          finish,
          logprobsOf(body, [token]),
        ),
      );
    });
  }
  const generated = call ? pieces(JSON.stringify(call.args)).length : answer.tokens.length;
  // Both end with a usage chunk only when stream_options.include_usage asks for one (TGI 3.3.6 router/src/chat.rs).
  if (body.stream_options?.include_usage)
    chunks.push({ ...chunk({}, null), choices: [], usage: usage(answer.promptTokens, generated) });
  return chunks;
}
