import { IntegrationResponseReader, MALFORMED_STREAM, type ResponseHead } from "../local/lambda-runtime";
import type { RuntimeAnswer } from "./runtime-api";

/** A function's answer as the client of API Gateway receives it. */
export interface GatewayAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Body pieces with the time each left the function (performance.now()). */
  readonly chunks: readonly { readonly text: string; readonly at: number }[];
}

const malformed = (): GatewayAnswer => ({ ...MALFORMED_STREAM.head, body: MALFORMED_STREAM.body, chunks: [] });

/**
 * A streaming function's answer through a `responseTransferMode: STREAM` integration:
 * the HTTP-integration content type, a JSON prelude and eight NUL bytes, then the body.
 * An error response, or bytes without the prelude, is a 502.
 */
export async function readStreamIntegration(answer: RuntimeAnswer): Promise<GatewayAnswer> {
  if (answer.mode === "error") return malformed();
  let head: ResponseHead = MALFORMED_STREAM.head;
  const chunks: { text: string; at: number }[] = [];
  const decoder = new TextDecoder();
  let at = 0;
  const reader = new IntegrationResponseReader(
    () => answer.contentType,
    (h) => (head = h),
    (bytes) => void chunks.push({ text: decoder.decode(bytes, { stream: true }), at }),
  );
  for (const chunk of answer.chunks) {
    at = chunk.at;
    await reader.push(chunk.bytes);
  }
  await reader.end();
  return { ...head, body: chunks.map((c) => c.text).join(""), chunks };
}

/** A buffered function's answer through an AWS_PROXY integration: {statusCode, headers, body}, else 502. */
export function readProxyIntegration(answer: RuntimeAnswer): GatewayAnswer {
  if (answer.mode !== "buffered") return malformed();
  try {
    const result = JSON.parse(answer.body.toString("utf8")) as {
      statusCode?: unknown;
      headers?: Record<string, string>;
      body?: unknown;
      isBase64Encoded?: boolean;
    };
    if (typeof result.statusCode !== "number") return malformed();
    const text = typeof result.body === "string" ? result.body : "";
    const body = result.isBase64Encoded ? Buffer.from(text, "base64").toString("utf8") : text;
    return { statusCode: result.statusCode, headers: result.headers ?? {}, body, chunks: [] };
  } catch {
    return malformed();
  }
}
