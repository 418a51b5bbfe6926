import { HttpError, notText } from "../errors";

/** Text Generation Inference payloads: the generate API ({inputs, parameters}) and its stream. */
import type { GenerateRequest } from "../../../contract/generate-request";

export type { GenerateRequest };

export interface GenerateResult {
  readonly generated_text: string;
  readonly finish_reason?: string;
  readonly generated_tokens?: number;
  /** The prompt's tokens: TGI's stream gives them in its final details (StreamDetails.input_length), its buffered answer does not. */
  readonly input_length?: number;
}

export function generateBody(request: GenerateRequest, stream: boolean): Record<string, unknown> {
  return { inputs: request.inputs, parameters: { ...request.parameters }, ...(stream ? { stream: true } : {}) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(502, "upstream_error", "The model answered with something other than JSON.");
  }
}

/** TGI and the Hugging Face toolkit answer [{generated_text, details?}]; some containers drop the list. */
export function parseGenerateResponse(text: string): GenerateResult {
  const parsed = parseJson(text);
  const first = (Array.isArray(parsed) ? parsed[0] : parsed) as
    { generated_text?: unknown; details?: { finish_reason?: string; generated_tokens?: number } } | undefined;
  if (!first || typeof first.generated_text !== "string")
    throw new HttpError(502, "upstream_error", "The model's answer has no generated_text.");
  return {
    generated_text: first.generated_text,
    ...(first.details?.finish_reason ? { finish_reason: first.details.finish_reason } : {}),
    ...(typeof first.details?.generated_tokens === "number"
      ? { generated_tokens: first.details.generated_tokens }
      : {}),
  };
}

export interface StreamToken {
  /** Text to show; empty for special tokens. */
  readonly text: string;
  /** Set on the last event of the stream. */
  readonly final?: GenerateResult;
}

/** One `data:` payload of TGI's generate stream. An {error} payload is the model failing midway. */
export function parseStreamEvent(data: string): StreamToken {
  const event = parseJson(data) as {
    token?: { text?: string; special?: boolean };
    generated_text?: string | null;
    details?: { finish_reason?: string; generated_tokens?: number; input_length?: number } | null;
    error?: string;
    error_type?: string;
  };
  if (typeof event.error === "string")
    throw new HttpError(502, "model_error", `The model failed while generating: ${event.error}`);
  const text = event.token && !event.token.special ? (event.token.text ?? "") : "";
  if (typeof text !== "string") throw notText("a token's text");
  if (typeof event.generated_text === "string") {
    return {
      text,
      final: {
        generated_text: event.generated_text,
        ...(event.details?.finish_reason ? { finish_reason: event.details.finish_reason } : {}),
        ...(typeof event.details?.generated_tokens === "number"
          ? { generated_tokens: event.details.generated_tokens }
          : {}),
        ...(typeof event.details?.input_length === "number" ? { input_length: event.details.input_length } : {}),
      },
    };
  }
  return { text };
}
