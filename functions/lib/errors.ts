import type { APIGatewayProxyResult } from "aws-lambda";
import { errorBody, type ErrorBody } from "../../contract/errors";
import { WAKE_RETRY_AFTER_SECONDS } from "../../contract/wake";

/** An error with the HTTP status and JSON body the client should get; `type` is this API's code for it, `field` OpenAI's param. */
export class HttpError extends Error {
  /** Headers the answer carries with the error, such as Retry-After. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly statusCode: number,
    readonly type: string,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = "HttpError";
    this.headers = options?.headers ?? {};
  }

  toBody(): ErrorBody {
    return errorBody(this.statusCode, this.type, this.message, this.field);
  }
}

interface SdkError {
  name?: string;
  message?: string;
  OriginalStatusCode?: number;
  OriginalMessage?: string;
  ErrorCode?: string;
}

/** An upstream value of the wrong type: never passed on to a client. */
export const notText = (what: string): HttpError =>
  new HttpError(502, "upstream_error", `The model sent ${what} that is not text; the stream was ended.`);

/** Longest piece of a client's own input that an error message repeats: a name, not a payload. */
export const MAX_ECHO_CHARS = 64;
export const echo = (text: string): string =>
  text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…` : text;

/** Longest model message passed to a client; the whole one goes to the log (see logDetail). */
export const MAX_MODEL_MESSAGE_CHARS = 2048;
/** How much of a model's message is looked at: cleaning runs on this much at most, whatever arrives. */
const SCAN_CHARS = 4 * MAX_MODEL_MESSAGE_CHARS;
/** A larger error body is not parsed as JSON: it is text, and only its start is read. */
const MAX_JSON_CHARS = 64 * 1024;

const TRACE_STARTS = ["Traceback (most recent call last)", 'File "'];
const SOURCE_FILE = /\.(?:py|js|ts|rs|so)(?::\d+)?$/;
const JS_FRAME = /^at \S+ \(/;

/** The lines before a Python or JavaScript traceback. One pass over the lines, no backtracking across them. */
function beforeTrace(text: string): string {
  const lines = text.split("\n");
  let end = 1;
  for (; end < lines.length; end++) {
    const line = lines[end].trimStart();
    const indented = line.length < lines[end].length;
    if (
      TRACE_STARTS.some((marker) => line.startsWith(marker)) ||
      (line.startsWith("at ") && (indented || JS_FRAME.test(line)))
    )
      break;
  }
  return lines.slice(0, end).join("\n");
}

/** Source file paths (two or more segments, a source extension, maybe a line number) become <path>. */
function hidePaths(text: string): string {
  // Each maximal run of path characters is matched once: linear in the text.
  return text.replace(/[\w./-]+(?::\d+)?/g, (run) => {
    const start = run.indexOf("/");
    if (start < 0 || !SOURCE_FILE.test(run)) return run;
    const segments = run.slice(start + 1).split("/");
    return segments.length >= 2 && segments.every((s) => s.length > 0) ? `${run.slice(0, start)}<path>` : run;
  });
}

/** TGI's {"error": "..."} (or {"message": "..."}) body, parsed whole. */
function innerMessage(body: string): string | undefined {
  if (!body.trimStart().startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const inner = parsed.error ?? parsed.message;
    return typeof inner === "string" ? inner : undefined;
  } catch {
    return undefined;
  }
}

/** The start of a large body's leading "error" or "message" string, decoded from its first SCAN_CHARS only. */
const LEADING_MESSAGE = /^\s*\{\s*"(?:error|message)"\s*:\s*"((?:[^"\\]|\\.)*)/;
function leadingMessage(body: string): string | undefined {
  const match = LEADING_MESSAGE.exec(body.slice(0, SCAN_CHARS));
  if (!match) return undefined;
  // The cut may fall inside an escape sequence (\u00e9 is six characters): drop up to five characters until it decodes.
  for (let cut = 0; cut <= 5 && cut <= match[1].length; cut++) {
    try {
      return JSON.parse(`"${match[1].slice(0, match[1].length - cut)}"`) as string;
    } catch {
      // an escape cut in two: one character less
    }
  }
  return undefined;
}

/**
 * The model's own message, from TGI's {"error": "..."} body when it sent one: its first lines up to
 * a traceback, capped. Container tracebacks and file paths stay in the log, not in the answer. The
 * text is cut to SCAN_CHARS before it is cleaned, and the cleaning is linear: an upstream error of any
 * size or shape costs at most a few milliseconds (bench: error cleaning).
 */
export function modelMessage(original: string | undefined, fallback: string): string {
  if (!original) return fallback;
  const text =
    original.length <= MAX_JSON_CHARS ? (innerMessage(original) ?? original) : (leadingMessage(original) ?? original);
  const clean = hidePaths(beforeTrace(text.slice(0, SCAN_CHARS))).trim();
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
      if (status === 429)
        return new HttpError(429, "model_overloaded", "The model is busy; retry with backoff.", undefined, cause);
      // TGI answers 424 when generation itself failed: that is the model's failure, not the request's.
      if (status >= 400 && status < 500 && status !== 424)
        return new HttpError(
          status,
          "model_rejected_request",
          modelMessage(e.OriginalMessage, message),
          undefined,
          cause,
        );
      return new HttpError(424, "model_error", `The model failed (status ${status || "unknown"}).`, undefined, cause);
    }
    case "ThrottlingException":
      return new HttpError(
        429,
        "throttled",
        "Too many requests to the model endpoint; retry with backoff.",
        undefined,
        cause,
      );
    case "ModelNotReadyException":
    case "ServiceUnavailable":
    case "InternalDependencyException":
      return new HttpError(503, "model_unavailable", "The model endpoint is not ready; retry later.", undefined, cause);
    case "ValidationError":
      if (NO_CAPACITY.test(message)) return modelStarting("refused", cause);
      if (/not found|InService|in service|Status Creating|Status Updating/i.test(message)) {
        return new HttpError(503, "model_unavailable", "The model endpoint is not in service.", undefined, cause);
      }
      return new HttpError(502, "upstream_error", "The model endpoint rejected the call.", undefined, cause);
    case "ModelStreamError": {
      // What went wrong, cleaned and capped like a model's message (a line too long, an event too large).
      const said = modelMessage(e.message, "");
      return new HttpError(
        502,
        "model_stream_error",
        `The model's stream failed${e.ErrorCode ? ` (${e.ErrorCode})` : ""}${said ? `: ${said}` : "."}`,
        undefined,
        cause,
      );
    }
    case "InternalStreamFailure":
      return new HttpError(502, "stream_failure", "The model's stream was interrupted.", undefined, cause);
    // Only our own deadline is a 504 (the callers check it); a reset or refused connection, whatever
    // the SDK names it, is the endpoint failing.
    default:
      return new HttpError(502, "upstream_error", "The model endpoint failed.", undefined, cause);
  }
}

/**
 * A model that scaled to zero: SageMaker refuses the call as a client error saying the inference
 * component has no capacity, and counts it in NoCapacityInvocationFailures. The handlers hold the
 * request while a copy starts (hold.ts); what reaches a client is the refusal of a request that
 * could not be held (too many held already, or held as long as it may be), with Retry-After.
 */
const NO_CAPACITY = /no capacity/i;
const STARTING = {
  refused: "The model is starting: it scaled to zero while idle, and this request woke it. A first copy takes minutes",
  busy: "The model is starting, and as many requests as may wait for it are waiting already",
  timeout: "The model is still starting after this request waited for it as long as it may",
} as const;
export const modelStarting = (why: keyof typeof STARTING = "refused", cause?: { cause: unknown }): HttpError =>
  new HttpError(503, "model_starting", `${STARTING[why]}; retry after ${WAKE_RETRY_AFTER_SECONDS} s.`, undefined, {
    ...cause,
    headers: { "retry-after": String(WAKE_RETRY_AFTER_SECONDS) },
  });

export const JSON_HEADERS = { "content-type": "application/json" } as const;

export function jsonResponse(
  statusCode: number,
  body: unknown,
  requestId?: string,
  extraHeaders: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...JSON_HEADERS, ...(requestId ? { "x-request-id": requestId } : {}), ...extraHeaders },
    body: JSON.stringify(body),
  };
}

export function toHttpResponse(
  err: HttpError,
  requestId?: string,
  extraHeaders: Record<string, string> = {},
): APIGatewayProxyResult {
  return jsonResponse(err.statusCode, err.toBody(), requestId, { ...extraHeaders, ...err.headers });
}
