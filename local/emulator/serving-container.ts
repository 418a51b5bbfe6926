import type { JsonObject } from "../../contract/json";
import type { ModelRoute } from "../../contract/routes";
import { chatBuffered, chatChunks } from "./container-chat";
import { VOCABULARY, answerFor, isChat, type ServerFormat, type ModelAnswer } from "./answers";

export { VOCABULARY, answerFor, isChat, type ServerFormat, type ModelAnswer };

/**
 * A stand-in for the serving containers: deterministic tokens in the payload
 * and stream shapes of TGI's /invocations route (SSE) or of the LMI container
 * with vLLM (JSON lines), and the embeddings of TEI, on SageMaker.
 */
/**
 * The container each model plays: LMI for vLLM, TEI for embedding models, TGI (the default) otherwise.
 * Keyed by the inference component where the model is one (a shared endpoint runs several servers), else by endpoint.
 */
export function formatsOf(routes: readonly ModelRoute[]): Record<string, ServerFormat> {
  const formats: Record<string, ServerFormat> = {};
  for (const r of routes) {
    const key = r.component ?? r.endpoint;
    if (r.server === "lmi") formats[key] = "lmi";
    else if (r.task === "embedding") formats[key] = "tei";
  }
  return formats;
}

/** The buffered answer body. */
export function buffered(body: JsonObject, format: ServerFormat = "tgi"): unknown {
  if (format === "tei") return embed(body);
  const answer = answerFor(body);
  const text = answer.tokens.join("");
  if (isChat(body)) return chatBuffered(body, format);
  const details = body.parameters?.details
    ? { details: { finish_reason: answer.finishReason, generated_tokens: answer.tokens.length, seed: null } }
    : {};
  // LMI answers one object; TGI a list of one.
  return format === "lmi" ? { generated_text: text, ...details } : [{ generated_text: text, ...details }];
}

/** LMI's JSON lines: a token per line, generated_text on the last; chat chunks one per line, no [DONE]. */
function lmiLines(body: JsonObject): string[] {
  const answer = answerFor(body);
  if (isChat(body)) return chatChunks(body, "lmi").map((c) => `${JSON.stringify(c)}\n`);
  let text = "";
  return answer.tokens.map((token, i) => {
    text += token;
    const last = i === answer.tokens.length - 1;
    const line: Record<string, unknown> = { token: { id: 1000 + i, text: token, log_prob: -0.5 } };
    if (last) {
      line.generated_text = text;
      if (body.parameters?.details)
        line.details = { finish_reason: answer.finishReason, generated_tokens: answer.tokens.length };
    }
    return `${JSON.stringify(line)}\n`;
  });
}

/** The events of a streamed answer, one string per event or line, as the container sends them. */
export function streamEvents(body: JsonObject, format: ServerFormat = "tgi"): string[] {
  if (format === "lmi") return lmiLines(body);
  const answer = answerFor(body);
  const events: string[] = [];
  if (isChat(body)) return [...chatChunks(body, "tgi").map((c) => `data:${JSON.stringify(c)}\n\n`), "data:[DONE]\n\n"];
  let text = "";
  answer.tokens.forEach((token, i) => {
    text += token;
    const last = i === answer.tokens.length - 1;
    const event = {
      index: i + 1,
      token: { id: 1000 + i, text: token, logprob: -0.5, special: false },
      generated_text: last ? text : null,
      details: last
        ? {
            finish_reason: answer.finishReason,
            generated_tokens: answer.tokens.length,
            seed: null,
            input_length: answer.promptTokens,
          }
        : null,
    };
    events.push(`data:${JSON.stringify(event)}\n\n`);
  });
  return events;
}

/** The container's mid-stream failure event. */
export const errorEvent = (message: string, format: ServerFormat = "tgi"): string =>
  format === "lmi"
    ? `${JSON.stringify({ error: message, code: 500 })}\n`
    : `data:${JSON.stringify({ error: message, error_type: "generation" })}\n\n`;

/** Dimensions of the emulated embedding model. */
export const EMBEDDING_DIMENSIONS = 8;

/** TEI's /embed: {inputs: string | string[]} to one vector per input, derived from the text (unit length, as TEI normalizes). */
export function embed(body: JsonObject): unknown {
  const inputs: unknown[] = Array.isArray(body.inputs) ? body.inputs : [body.inputs];
  if (!inputs.every((t) => typeof t === "string"))
    return { error: "Failed to deserialize the JSON body", error_type: "validation" };
  return inputs.map((text) => {
    const raw = Array.from(
      { length: EMBEDDING_DIMENSIONS },
      (_, i) =>
        Math.sin((String(text).length + 1) * (i + 1)) +
        (String(text).charCodeAt(i % Math.max(1, String(text).length)) || 0) / 1000,
    );
    const norm = Math.hypot(...raw) || 1;
    return raw.map((x) => Math.fround(x / norm));
  });
}
