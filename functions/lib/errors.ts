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
}

interface SdkError {
  name?: string;
  message?: string;
  OriginalStatusCode?: number;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Maps a SageMaker runtime failure to what the client should see. The request
 * was validated before the call, so nothing here is the client's fault unless
 * the model itself says so (its own 4xx passes through).
 */
export function fromSageMakerError(err: unknown): HttpError {
  const e = (err ?? {}) as SdkError;
  const message = e.message ?? String(err);
  switch (e.name) {
    case "ModelError": {
      const status = e.OriginalStatusCode ?? 0;
      if (status === 429) return new HttpError(429, "model_overloaded", "The model is busy; retry with backoff.", undefined, { cause: err });
      if (status >= 400 && status < 500) return new HttpError(status, "model_rejected_request", message, undefined, { cause: err });
      return new HttpError(424, "model_error", `The model failed (status ${status || "unknown"}).`, undefined, { cause: err });
    }
    case "ThrottlingException":
      return new HttpError(429, "throttled", "Too many requests to the model endpoint; retry with backoff.", undefined, { cause: err });
    case "ModelNotReadyException":
    case "ServiceUnavailable":
      return new HttpError(503, "model_unavailable", "The model endpoint is not ready; retry later.", undefined, { cause: err });
    case "ValidationError":
      if (/not found|InService|in service/i.test(message)) {
        return new HttpError(503, "model_unavailable", "The model endpoint is not in service.", undefined, { cause: err });
      }
      return new HttpError(502, "upstream_error", "The model endpoint rejected the call.", undefined, { cause: err });
    case "TimeoutError":
    case "AbortError":
      return new HttpError(504, "timeout", "The model did not answer in time.", undefined, { cause: err });
    default:
      return new HttpError(502, "upstream_error", "The model endpoint failed.", undefined, { cause: err });
  }
}

export function jsonResponse(statusCode: number, body: unknown, requestId?: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...(requestId ? { "x-request-id": requestId } : {}) },
    body: JSON.stringify(body),
  };
}

export function toHttpResponse(err: HttpError, requestId?: string): APIGatewayProxyResult {
  const error: Record<string, string> = { type: err.type, message: err.message };
  if (err.field) error.field = err.field;
  return jsonResponse(err.statusCode, { error }, requestId);
}
