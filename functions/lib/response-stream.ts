import type { Writable } from "node:stream";
import { HttpError, JSON_HEADERS, clientClosed, fromSageMakerError } from "./errors";

export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } as const;

/** Sets status and headers on a Lambda response stream; they cannot change once the body has started. */
export function openResponse(responseStream: Writable, statusCode: number, headers: Record<string, string>): Writable {
  return awslambda.HttpResponseStream.from(responseStream, { statusCode, headers });
}

/**
 * A whole JSON answer on a response stream. The body goes through write(), not end(body):
 * Lambda's runtime writes the prelude (status and headers) on the first write() only, and a
 * body handed to end() alone reaches API Gateway without it, which answers 502.
 */
export function writeJson(
  responseStream: Writable,
  statusCode: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const out = openResponse(responseStream, statusCode, { ...JSON_HEADERS, ...headers });
  out.write(JSON.stringify(body));
  out.end();
}

export function writeError(responseStream: Writable, error: HttpError, headers: Record<string, string>): void {
  writeJson(responseStream, error.statusCode, error.toBody(), { ...headers, ...error.headers });
}

/** Resolves when the client has taken the bytes, so a slow reader slows the loop instead of filling memory. */
export function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
}

/** Writes a stream's last words (a failure after its 200 went out) and ends it; a client already gone is no error. */
export async function endWith(out: Writable, text: string): Promise<void> {
  try {
    await write(out, text);
  } catch {
    // the client is gone; nothing left to tell it
  } finally {
    out.end();
  }
}

/**
 * Notices a client that leaves: the response stream closes before it finished (the local runtime
 * destroys it; Lambda closes the runtime's request to it). The signal then cancels the model call.
 */
export function watchClient(responseStream: Writable): AbortController {
  const controller = new AbortController();
  const gone = () => {
    if (!responseStream.writableFinished && !controller.signal.aborted) controller.abort(clientClosed());
  };
  responseStream.on("close", gone);
  responseStream.on("error", gone);
  return controller;
}

/** What went wrong: the client leaving (noticed by watchClient, or by a write into a destroyed stream) comes first. */
export function failureOf(err: unknown, client: AbortController, responseStream: Writable): HttpError {
  // Stopped by the handler itself (a budget's lease that could not be kept): that is the failure.
  const reason: unknown = client.signal.reason;
  if (client.signal.aborted && reason instanceof HttpError && reason.type !== "client_closed") return reason;
  const gone = client.signal.aborted || (responseStream.destroyed && !responseStream.writableFinished);
  const error = gone ? clientClosed() : fromSageMakerError(err);
  // Whatever happened, nothing may keep calling the model.
  if (!client.signal.aborted) client.abort(error);
  return error;
}

/** One data event of an OpenAI stream. */
export const send = (out: Writable, body: unknown): Promise<void> => write(out, `data: ${JSON.stringify(body)}\n\n`);

/** OpenAI streams end with [DONE]; only a complete answer gets it. */
export async function finish(out: Writable): Promise<void> {
  await write(out, "data: [DONE]\n\n");
  out.end();
}
