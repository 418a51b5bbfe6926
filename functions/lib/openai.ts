import { HttpError } from "./errors";
import { SUPPORTED_CHAT_FIELDS, type ChatRequest } from "../../contract/chat-request";
import type { GenerateRequest } from "./backends/tgi";

/** Checks what the JSON Schema cannot say: unsupported fields by name, and the shape of `stop`. */
export function checkChatRequest(body: Record<string, unknown>): ChatRequest {
  const unsupported = Object.keys(body).filter((k) => !SUPPORTED_CHAT_FIELDS.has(k));
  if (unsupported.length > 0) {
    throw new HttpError(400, "unsupported_parameter", `Unsupported parameter${unsupported.length > 1 ? "s" : ""}: ${unsupported.join(", ")}.`, unsupported[0]);
  }
  const stop = body.stop;
  const stopOk =
    stop === undefined || typeof stop === "string" || (Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === "string" && s.length > 0));
  if (!stopOk) throw new HttpError(400, "invalid_request", "stop must be a string or up to 4 non-empty strings.", "stop");
  const messages = (body.messages as { content: unknown }[]).map((m, i) => ({ ...m, content: textOf(m.content, `messages[${i}].content`) }));
  return { ...body, messages } as unknown as ChatRequest;
}

/**
 * A message's content as OpenAI clients send it: a string, or a list of parts. Text parts are joined
 * with line breaks; an image part is refused by name, since no model here takes images.
 */
function textOf(content: unknown, at: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new HttpError(400, "invalid_request", `${at} must be a string or a list of content parts.`, at);
  return content
    .map((part: unknown, j) => {
      const p = (part ?? {}) as { type?: unknown; text?: unknown };
      if (p.type === "text" && typeof p.text === "string") return p.text;
      if (p.type === "image_url" || p.type === "input_audio" || p.type === "file")
        throw new HttpError(400, "unsupported_content", `${at}[${j}]: this model takes text only, not ${p.type} parts.`, `${at}[${j}]`);
      throw new HttpError(400, "invalid_request", `${at}[${j}] must be a part like {"type": "text", "text": "..."}.`, `${at}[${j}]`);
    })
    .join("\n");
}

const stopList = (stop: ChatRequest["stop"]) => (stop === undefined ? undefined : typeof stop === "string" ? [stop] : [...stop]);

/** TGI's own chat API takes OpenAI's fields; only the supported ones are passed on. */
export function tgiChatBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: "tgi",
    messages: request.messages.map((m) => ({ role: m.role === "developer" ? "system" : m.role, content: m.content })),
    stream,
  };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  for (const key of ["temperature", "seed", "frequency_penalty", "presence_penalty"] as const) {
    if (request[key] !== undefined) body[key] = request[key];
  }
  // TGI refuses top_p = 1; it means "no nucleus filtering", which is the default anyway.
  if (request.top_p !== undefined && request.top_p < 1) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop = stopList(request.stop);
  return body;
}

/**
 * For models without a chat template: the conversation as one prompt for the
 * generate API. presence_penalty has no generate equivalent and is ignored.
 */
export function promptRequest(request: ChatRequest): GenerateRequest {
  const label = { system: "System", developer: "System", user: "User", assistant: "Assistant" } as const;
  const inputs = `${request.messages.map((m) => `${label[m.role]}: ${m.content}`).join("\n")}\nAssistant:`;
  const parameters: Record<string, unknown> = { details: true, return_full_text: false };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) parameters.max_new_tokens = maxTokens;
  // TGI's generate API needs temperature > 0: 0 means greedy, which is no sampling.
  if (request.temperature !== undefined) {
    if (request.temperature > 0) parameters.temperature = request.temperature;
    else parameters.do_sample = false;
  }
  if (request.top_p !== undefined && request.top_p < 1) parameters.top_p = request.top_p;
  if (request.seed !== undefined) parameters.seed = request.seed;
  if (request.frequency_penalty !== undefined) parameters.frequency_penalty = request.frequency_penalty;
  if (request.stop !== undefined) parameters.stop = stopList(request.stop);
  return { inputs, parameters };
}

/** TGI says "length", "eos_token" or "stop_sequence"; OpenAI says "length" or "stop". */
export const finishReason = (tgi: string | undefined): "length" | "stop" => (tgi === "length" ? "length" : "stop");

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

export function completion(id: string, model: string, content: string, finish: string, usage?: Usage): Record<string, unknown> {
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
}

export function chunk(id: string, model: string, delta: Record<string, string>, finish: string | null, usage?: Usage): Record<string, unknown> {
  return {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
}

export function modelList(names: readonly string[]): Record<string, unknown> {
  return { object: "list", data: names.map((id) => ({ id, object: "model", created: 0, owned_by: "llm-api" })) };
}
