import type { ChatMessage, ChatRequest } from "../../../contract/chat-request";
import type { ModelRoute } from "../../../contract/routes";
import { stopList } from "./openai";

function backendMessage(m: ChatMessage): Record<string, unknown> {
  const message: Record<string, unknown> = { role: m.role === "developer" ? "system" : m.role, content: m.content };
  if (m.name !== undefined) message.name = m.name;
  if (m.tool_calls) message.tool_calls = m.tool_calls;
  if (m.tool_call_id !== undefined) message.tool_call_id = m.tool_call_id;
  return message;
}

/**
 * JSON mode as the backend takes it: vLLM reads OpenAI's response_format itself; TGI takes a grammar,
 * {type: "json", value: <JSON Schema>} (any object for json_object).
 */
function responseFormat(request: ChatRequest, lmi: boolean): unknown {
  const format = request.response_format;
  if (!format || format.type === "text") return undefined;
  if (lmi) return format;
  return {
    type: "json",
    value: format.type === "json_schema" ? (format.json_schema?.schema ?? { type: "object" }) : { type: "object" },
  };
}

/** The chat request for the backend's own OpenAI-style API (TGI's Messages API, or vLLM in LMI). */
export function chatBody(route: ModelRoute, request: ChatRequest, stream: boolean): Record<string, unknown> {
  const lmi = route.server === "lmi";
  const body: Record<string, unknown> = { model: "tgi", messages: request.messages.map(backendMessage), stream };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  for (const key of [
    "temperature",
    "seed",
    "frequency_penalty",
    "presence_penalty",
    "tools",
    "tool_choice",
    "logprobs",
    "top_logprobs",
  ] as const) {
    if (request[key] !== undefined) body[key] = request[key];
  }
  // TGI makes one call at a time and has no such field; vLLM takes it.
  if (lmi && request.parallel_tool_calls !== undefined) body.parallel_tool_calls = request.parallel_tool_calls;
  // TGI refuses top_p = 1; it means "no nucleus filtering", which is the default anyway.
  if (request.top_p !== undefined && request.top_p < 1) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop = stopList(request.stop);
  const format = responseFormat(request, lmi);
  if (format !== undefined) body.response_format = format;
  // Usage on every stream, for the metering and for clients that ask (stripped for those that do not):
  // vLLM and TGI (3.3.6, router/src/chat.rs) send the usage chunk only when asked.
  if (stream) body.stream_options = { include_usage: true };
  return body;
}
