import type { JsonObject } from "../../contract/json";
import type { ModelRoute } from "../../contract/routes";
import { answerFor, isChat, type ServerFormat } from "./answers";

/**
 * A model's context as its server enforces it: prompt tokens (here, words) plus the output budget
 * must fit `contextTokens` (TGI's MAX_TOTAL_TOKENS, vLLM's max model length), or the server refuses
 * the call with its own words. TGI 3.3.6 (router/src/validation.rs) checks the prompt plus the first
 * chunk of the budget, at most 1,024 tokens, and answers 422; vLLM checks the whole budget and
 * answers 400 (its ErrorResponse, as users of it report the text).
 */

/** TGI generates in chunks of this many tokens and validates only the first (DEFAULT_GENERATION_LENGTH). */
export const TGI_CHUNK_TOKENS = 1024;

/** The context of each model that has one, keyed like formatsOf: by component, else by endpoint. */
export function contextsOf(routes: readonly ModelRoute[]): Record<string, number> {
  const contexts: Record<string, number> = {};
  for (const r of routes) if (r.contextTokens !== undefined) contexts[r.component ?? r.endpoint] = r.contextTokens;
  return contexts;
}

const budgetOf = (body: JsonObject): number | undefined => {
  const value = isChat(body) ? (body.max_completion_tokens ?? body.max_tokens) : body.parameters?.max_new_tokens;
  return typeof value === "number" ? value : undefined;
};

export interface Refusal {
  readonly status: number;
  /** The body the server answers with; SageMaker passes it on as OriginalMessage. */
  readonly body: string;
}

/** The server's refusal of a call whose prompt and budget do not fit, or undefined when they fit. */
export function contextRefusal(
  body: JsonObject,
  format: ServerFormat,
  contextTokens: number | undefined,
): Refusal | undefined {
  if (contextTokens === undefined || format === "tei") return undefined;
  const input = answerFor(body).promptTokens;
  const asked = budgetOf(body);
  if (format === "tgi") {
    const chunk = Math.min(asked ?? Math.max(contextTokens - input, 0), TGI_CHUNK_TOKENS);
    if (input + chunk <= contextTokens) return undefined;
    const error = `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${contextTokens}. Given: ${input} \`inputs\` tokens and ${chunk} \`max_new_tokens\``;
    return { status: 422, body: JSON.stringify({ error, error_type: "validation" }) };
  }
  if (asked === undefined || input + asked <= contextTokens) return undefined;
  const message = `'max_tokens' or 'max_completion_tokens' is too large: ${asked}. This model's maximum context length is ${contextTokens} tokens and your request has ${input} input tokens (${asked} > ${contextTokens} - ${input}). (parameter=max_tokens, value=${asked})`;
  return {
    status: 400,
    body: JSON.stringify({ error: { message, type: "BadRequestError", param: "max_tokens", code: 400 } }),
  };
}

/** The call as the server runs it: generation stops where the context is full. */
export function withinContext(body: JsonObject, contextTokens: number | undefined): JsonObject {
  if (contextTokens === undefined) return body;
  const room = Math.max(contextTokens - answerFor(body).promptTokens, 0);
  const budget = Math.min(budgetOf(body) ?? room, room);
  if (isChat(body)) return { ...body, max_tokens: budget, max_completion_tokens: undefined };
  return { ...body, parameters: { ...body.parameters, max_new_tokens: budget } };
}
