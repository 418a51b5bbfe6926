import { textOfParts, type ChatRequest } from "../../../contract/chat-request";
import type { GenerateRequest } from "../../lib/backends/tgi";

/** OpenAI's stop as the backends take it: always a list. */
export const stopList = (stop: ChatRequest["stop"]) =>
  stop === undefined ? undefined : typeof stop === "string" ? [stop] : [...stop];

/**
 * For models without a chat template: the conversation as one prompt for the
 * generate API. presence_penalty has no generate equivalent and is ignored.
 */
export function promptRequest(request: ChatRequest): GenerateRequest {
  const label = { system: "System", developer: "System", user: "User", assistant: "Assistant", tool: "Tool" } as const;
  // Images never get here: only vision models take them, and those have a chat API (checkBackendSupports).
  const text = (content: ChatRequest["messages"][number]["content"]) =>
    typeof content === "string" || content === null ? (content ?? "") : textOfParts(content);
  const inputs = `${request.messages.map((m) => `${label[m.role]}: ${text(m.content)}`).join("\n")}\nAssistant:`;
  return {
    inputs,
    parameters: generateParameters({ ...request, max_tokens: request.max_completion_tokens ?? request.max_tokens }),
  };
}

/** OpenAI's sampling fields as the generate API's parameters. presence_penalty has no generate equivalent. */
export function generateParameters(
  request: Pick<ChatRequest, "max_tokens" | "temperature" | "top_p" | "seed" | "frequency_penalty" | "stop">,
): Record<string, unknown> {
  const parameters: Record<string, unknown> = { details: true, return_full_text: false };
  if (request.max_tokens !== undefined) parameters.max_new_tokens = request.max_tokens;
  // TGI's generate API needs temperature > 0: 0 means greedy, which is no sampling.
  if (request.temperature !== undefined) {
    if (request.temperature > 0) parameters.temperature = request.temperature;
    else parameters.do_sample = false;
  }
  if (request.top_p !== undefined && request.top_p < 1) parameters.top_p = request.top_p;
  if (request.seed !== undefined) parameters.seed = request.seed;
  if (request.frequency_penalty !== undefined) parameters.frequency_penalty = request.frequency_penalty;
  if (request.stop !== undefined) parameters.stop = stopList(request.stop);
  return parameters;
}

/** TGI says "length", "eos_token" or "stop_sequence"; OpenAI says "length", "stop" or "tool_calls". */
export const finishReason = (backend: string | undefined): "length" | "stop" | "tool_calls" =>
  backend === "length" ? "length" : backend === "tool_calls" ? "tool_calls" : "stop";

export interface ToolCallOut {
  readonly id: string;
  readonly type: "function";
  readonly function: { readonly name: string; readonly arguments: string };
}

/** Arguments as the JSON text OpenAI clients parse: TGI gives them as an object. */
export const argumentsText = (args: unknown): string =>
  typeof args === "string" ? args : args === undefined || args === null ? "" : JSON.stringify(args);

/** A backend's tool calls in OpenAI's shape, each under an id of this API (TGI numbers every call "0"). */
export function toolCallsOf(raw: unknown, idOf: (index: number) => string): ToolCallOut[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.map((c: { function?: { name?: unknown; arguments?: unknown } }, i) => ({
    id: idOf(i),
    type: "function" as const,
    function: { name: String(c.function?.name ?? ""), arguments: argumentsText(c.function?.arguments) },
  }));
}

interface Extras {
  readonly tool_calls?: readonly ToolCallOut[];
  readonly logprobs?: unknown;
}

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

export function completion(
  id: string,
  model: string,
  content: string | null,
  finish: string,
  usage?: Usage,
  extras: Extras = {},
): Record<string, unknown> {
  const message = { role: "assistant", content, ...(extras.tool_calls ? { tool_calls: extras.tool_calls } : {}) };
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, logprobs: extras.logprobs ?? null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
}

export function chunk(
  id: string,
  model: string,
  delta: Record<string, unknown>,
  finish: string | null,
  usage?: Usage,
  logprobs: unknown = null,
): Record<string, unknown> {
  return {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
}

export function modelList(names: readonly string[]): { object: "list"; data: Record<string, unknown>[] } {
  return { object: "list", data: names.map((id) => ({ id, object: "model", created: 0, owned_by: "llm-api" })) };
}
