import type { ResponsesBody } from "../../../contract/responses-request";
import type { ToolCallOut } from "./openai";
import { callNameOf, type Namespaced } from "./responses-tools";

type Json = Record<string, unknown>;

/**
 * OpenAI's Responses API on top of the chat path, the answer's side: a chat answer (whole, or chunk
 * by chunk) becomes a response object or its stream of events. The request's side is in
 * responses-input.ts. Nothing is kept: every response says store: false.
 */

/** What a response echoes of its request, and its identity. */
export interface ResponseBase {
  readonly id: string;
  readonly model: string;
  readonly created_at: number;
  readonly body: ResponsesBody;
  /** Functions of a namespace, by the name the model called: their calls go back under name and namespace. */
  readonly namespaced?: Namespaced;
}

/** A token's log probability as output_text gives it (the chat API's logprobs.content entries have the same fields). */
export type Logprob = Json;

/** The log probabilities of a chat choice (or chunk), as output_text takes them. */
export const logprobsOf = (choice: { logprobs?: unknown } | undefined): Logprob[] => {
  const content = (choice?.logprobs as { content?: unknown } | null | undefined)?.content;
  return Array.isArray(content) ? (content as Logprob[]) : [];
};

export interface ResponseUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly total_tokens: number;
  readonly input_tokens_details: { readonly cached_tokens: number };
  readonly output_tokens_details: { readonly reasoning_tokens: number };
}

/** Usage in the Responses API's shape, when the model reported both counts (none is invented). */
export function usageOf(inputTokens?: number, outputTokens?: number): ResponseUsage | undefined {
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens_details: { reasoning_tokens: 0 },
  };
}

type Status = "in_progress" | "completed" | "incomplete" | "failed";

/** A response object: the request's settings, its status and output. */
export function responseObject(
  base: ResponseBase,
  status: Status,
  output: readonly Json[],
  extra: { usage?: ResponseUsage; error?: Json; finish?: string } = {},
): Json {
  const { body } = base;
  return {
    id: base.id,
    object: "response",
    created_at: base.created_at,
    status,
    error: extra.error ?? null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: base.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    metadata: body.metadata ?? {},
    // Nothing is stored, whatever the request asked.
    store: false,
    usage: extra.usage ?? null,
  };
}

export const outputText = (text: string, logprobs?: readonly Logprob[]): Json => ({
  type: "output_text",
  text,
  annotations: [],
  ...(logprobs ? { logprobs } : {}),
});

export const messageItem = (id: string, text: string, status: Status, logprobs?: readonly Logprob[]): Json => ({
  type: "message",
  id,
  status,
  role: "assistant",
  content: status === "in_progress" && text === "" ? [] : [outputText(text, logprobs)],
});

export const functionCallItem = (id: string, call: ToolCallOut, status: Status, namespaced?: Namespaced): Json => ({
  type: "function_call",
  id,
  call_id: call.id,
  ...callNameOf(call.function.name, namespaced),
  arguments: call.function.arguments,
  status,
});

/** A buffered chat answer as a response. */
export function responseOfCompletion(
  base: ResponseBase,
  answer: {
    content: string | null;
    tool_calls?: readonly ToolCallOut[];
    finish: string;
    logprobs?: readonly Logprob[];
  },
  usage?: ResponseUsage,
): Json {
  const output: Json[] = [];
  if (answer.content || !answer.tool_calls?.length)
    output.push(messageItem(`msg_${base.id}`, answer.content ?? "", "completed", answer.logprobs));
  answer.tool_calls?.forEach((call, i) =>
    output.push(functionCallItem(`fc_${base.id}_${i}`, call, "completed", base.namespaced)),
  );
  return responseObject(base, answer.finish === "length" ? "incomplete" : "completed", output, { usage });
}
