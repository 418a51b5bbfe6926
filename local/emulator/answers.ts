import type { JsonObject } from "../../contract/json";

/**
 * The emulated model's answers, shared by the generate (serving-container.ts) and chat (container-chat.ts)
 * shapes: the same tokens whatever the server, a prompt counted in words.
 */

/** The serving container a model plays: TGI, LMI with vLLM, or Text Embeddings Inference. */
export type ServerFormat = "tgi" | "lmi" | "tei";

export const VOCABULARY = ["Hello", ",", " wörld", "!", " Ünïcode", " 🚀", " works", " here", " too", "."];

export interface ModelAnswer {
  readonly tokens: readonly string[];
  readonly finishReason: "length" | "eos_token";
  readonly promptTokens: number;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Tokens for a generate or chat request: the vocabulary in order, cut at max_new_tokens / max_tokens. */
export function answerFor(body: JsonObject): ModelAnswer {
  const limit = body.messages ? body.max_tokens : body.parameters?.max_new_tokens;
  const count = Math.min(typeof limit === "number" ? limit : VOCABULARY.length, VOCABULARY.length);
  const prompt = body.messages
    ? body.messages.map((m: { content: string | null }) => m.content ?? "").join(" ")
    : String(body.inputs ?? "");
  return {
    tokens: VOCABULARY.slice(0, count),
    finishReason: count < VOCABULARY.length ? "length" : "eos_token",
    promptTokens: words(prompt),
  };
}

export const isChat = (body: JsonObject): boolean => Array.isArray(body.messages);
