import type { Writable } from "node:stream";
import { HttpError, JSON_HEADERS } from "./errors";

export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } as const;

/** Sets status and headers on a Lambda response stream; they cannot change once the body has started. */
export function openResponse(responseStream: Writable, statusCode: number, headers: Record<string, string>): Writable {
  return awslambda.HttpResponseStream.from(responseStream, { statusCode, headers });
}

/** A whole JSON answer on a response stream. */
export function writeJson(responseStream: Writable, statusCode: number, body: unknown, headers: Record<string, string>): void {
  const out = openResponse(responseStream, statusCode, { ...JSON_HEADERS, ...headers });
  out.end(JSON.stringify(body));
}

export function writeError(responseStream: Writable, error: HttpError, headers: Record<string, string>): void {
  writeJson(responseStream, error.statusCode, error.toBody(), headers);
}

/** Resolves when the client has taken the bytes, so a slow reader slows the loop instead of filling memory. */
export function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
}
