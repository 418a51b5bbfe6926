import type { APIGatewayProxyResult } from "aws-lambda";

/** An error with the HTTP status and JSON body the client should get. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: string,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "HttpError";
  }

  toBody(): { error: { type: string; message: string; field?: string } } {
    return { error: { type: this.type, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

interface SdkError {
  name?: string;
  message?: string;
  OriginalStatusCode?: number;
  OriginalMessage?: string;
  ErrorCode?: string;
}

/** Longest model message passed to a client; the whole one goes to the log (see logDetail). */
export const MAX_MODEL_MESSAGE_CHARS = 2048;

/**
 * The model's own message, from TGI's {"error": "..."} body when it sent one: its first lines up to
 * a traceback, capped. Container tracebacks and file paths stay in the log, not in the answer.
 */
export function modelMessage(original: string | undefined, fallback: string): string {
  if (!original) return fallback;
  let text = original;
  try {
    const parsed = JSON.parse(original) as { error?: unknown; message?: unknown };
    const inner = parsed.error ?? parsed.message;
    if (typeof inner === "string") text = inner;
  } catch {
    // not JSON: use as is
  }
  const beforeTrace = text.split(/\n\s*(?:Traceback \(most recent call last\)|File "|at \S+ \(|\s+at )/)[0];
  const clean = beforeTrace.replace(/(?:\/[\w.-]+){2,}\.(?:py|js|ts|rs|so)\b(?::\d+)?/g, "<path>").trim();
  if (!clean) return fallback;
  return clean.length > MAX_MODEL_MESSAGE_CHARS ? `${clean.slice(0, MAX_MODEL_MESSAGE_CHARS)}…` : clean;
}

/** For the log: what the model or SageMaker said, capped so one log record stays readable. */
export function logDetail(error: HttpError): string | undefined {
  const cause = error.cause as { OriginalMessage?: unknown; message?: unknown } | undefined;
  const text = cause?.OriginalMessage ?? cause?.message;
  return typeof text === "string" && text ? text.slice(0, 8192) : undefined;
}

/** The client went away; the call was cancelled. Never sent to anyone: it is for the log. */
export const clientClosed = (): HttpError => new HttpError(499, "client_closed", "The client closed the connection.");

/**
 * Maps a SageMaker runtime failure to what the client should see. Requests are
 * validated before the call, so a failure here is not the client's fault unless
 * the model itself says so: its own 4xx passes through.
 */
export function fromSageMakerError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = (err ?? {}) as SdkError;
  const message = e.message ?? String(err);
  const cause = { cause: err };
  switch (e.name) {
    case "ModelError": {
      const status = e.OriginalStatusCode ?? 0;
      if (status === 429) return new HttpError(429, "model_overloaded", "The model is busy; retry with backoff.", undefined, cause);
      // TGI answers 424 when generation itself failed: that is the model's failure, not the request's.
      if (status >= 400 && status < 500 && status !== 424)
        return new HttpError(status, "model_rejected_request", modelMessage(e.OriginalMessage, message), undefined, cause);
      return new HttpError(424, "model_error", `The model failed (status ${status || "unknown"}).`, undefined, cause);
    }
    case "ThrottlingException":
      return new HttpError(429, "throttled", "Too many requests to the model endpoint; retry with backoff.", undefined, cause);
    case "ModelNotReadyException":
    case "ServiceUnavailable":
    case "InternalDependencyException":
      return new HttpError(503, "model_unavailable", "The model endpoint is not ready; retry later.", undefined, cause);
    case "ValidationError":
      if (/not found|InService|in service|Status Creating|Status Updating/i.test(message)) {
        return new HttpError(503, "model_unavailable", "The model endpoint is not in service.", undefined, cause);
      }
      return new HttpError(502, "upstream_error", "The model endpoint rejected the call.", undefined, cause);
    case "ModelStreamError":
      return new HttpError(502, "model_stream_error", `The model's stream failed${e.ErrorCode ? ` (${e.ErrorCode})` : ""}.`, undefined, cause);
    case "InternalStreamFailure":
      return new HttpError(502, "stream_failure", "The model's stream was interrupted.", undefined, cause);
    // Only our own deadline is a 504 (the callers check it); a reset or refused connection, whatever
    // the SDK names it, is the endpoint failing.
    default:
      return new HttpError(502, "upstream_error", "The model endpoint failed.", undefined, cause);
  }
}

export const JSON_HEADERS = { "content-type": "application/json" } as const;

export function jsonResponse(statusCode: number, body: unknown, requestId?: string, extraHeaders: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...(requestId ? { "x-request-id": requestId } : {}), ...extraHeaders }, body: JSON.stringify(body) };
}

export function toHttpResponse(err: HttpError, requestId?: string, extraHeaders: Record<string, string> = {}): APIGatewayProxyResult {
  return jsonResponse(err.statusCode, err.toBody(), requestId, extraHeaders);
}
