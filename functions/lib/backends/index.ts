import type { ModelRoute } from "../models";
import { SseDecoder } from "../sse";
import { parseStreamEvent, type StreamToken } from "./tgi";
import { JsonLinesDecoder, parseLmiChatLine, parseLmiStreamLine } from "./lmi";
import type { JsonObject } from "../../../contract/json";

/**
 * The one place handlers learn a serving container's stream format. Both
 * backends take the same request bodies and answer the same buffered shapes.
 */
export interface StreamReader<T> {
  push(bytes: Uint8Array): T[];
  end(): T[];
}

function reader<T>(
  decoder: { push(b: Uint8Array): string[]; end(): string[] },
  parse: (data: string) => T | undefined,
): StreamReader<T> {
  const parseAll = (items: string[]) => items.map(parse).filter((x): x is T => x !== undefined);
  return { push: (bytes) => parseAll(decoder.push(bytes)), end: () => parseAll(decoder.end()) };
}

/** Tokens of a generate stream. */
export function generateStream(route: ModelRoute): StreamReader<StreamToken> {
  return route.server === "lmi"
    ? reader(new JsonLinesDecoder(), parseLmiStreamLine)
    : reader(new SseDecoder(), parseStreamEvent);
}

/** chat.completion.chunk objects of a chat stream; TGI's closing [DONE] is dropped. */
export function chatStream(route: ModelRoute): StreamReader<JsonObject> {
  return route.server === "lmi"
    ? reader(new JsonLinesDecoder(), parseLmiChatLine)
    : reader(new SseDecoder(), (data) => (data.trim() === "[DONE]" ? undefined : (JSON.parse(data) as JsonObject)));
}
