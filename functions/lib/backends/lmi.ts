import { HttpError, notText } from "../errors";
import { LineSplitter } from "../lines";
import type { GenerateResult, StreamToken } from "./tgi";
import type { JsonObject } from "../../../contract/json";

/**
 * SageMaker's Large Model Inference container (DJL serving, vLLM engine). It
 * takes the same request bodies as TGI, but streams JSON lines instead of SSE:
 * generate streams {"token": {...}} per line with generated_text on the last;
 * chat streams one chat.completion.chunk per line and no [DONE].
 */
export class JsonLinesDecoder {
  private readonly lines = new LineSplitter();

  push(bytes: Uint8Array): string[] {
    return this.lines.push(bytes).filter((l) => l.trim() !== "");
  }

  end(): string[] {
    return this.lines.end().filter((l) => l.trim() !== "");
  }
}

function parseLine(line: string): JsonObject {
  try {
    return JSON.parse(line) as JsonObject;
  } catch {
    throw new HttpError(502, "upstream_error", "The model streamed something other than JSON lines.");
  }
}

/** One line of LMI's generate stream. */
export function parseLmiStreamLine(line: string): StreamToken {
  const event = parseLine(line);
  if (typeof event.error === "string")
    throw new HttpError(502, "model_error", `The model failed while generating: ${event.error}`);
  const text = event.token?.text ?? "";
  if (typeof text !== "string") throw notText("a token's text");
  if (typeof event.generated_text === "string") {
    const details = event.details ?? {};
    const final: GenerateResult = {
      generated_text: event.generated_text,
      ...(typeof details.finish_reason === "string" ? { finish_reason: details.finish_reason } : {}),
      ...(typeof details.generated_tokens === "number" ? { generated_tokens: details.generated_tokens } : {}),
    };
    return { text, final };
  }
  return { text };
}

/** One line of LMI's chat stream: already a chat.completion.chunk. */
export const parseLmiChatLine = (line: string): JsonObject => parseLine(line);
