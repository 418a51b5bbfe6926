/**
 * Every error this API answers, in OpenAI's shape: {error: {message, type, param, code}}. OpenAI's
 * SDKs read `type`, `param` and `code` (e.param, e.code); `code` carries this API's own name of
 * the failure (invalid_request, model_error, ...), `param` the request field at fault or null.
 */
export type OpenAiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "server_error";

/** A spent budget: OpenAI answers 429 with this as both type and code, and clients tell it from a rate limit by it. */
export const INSUFFICIENT_QUOTA = "insufficient_quota";

/** OpenAI's error type for an HTTP status. */
export function openAiErrorType(status: number): OpenAiErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  // 424 is the model failing: a server error to the client, whatever SageMaker calls it.
  if (status >= 400 && status < 500 && status !== 424) return "invalid_request_error";
  return "server_error";
}

export interface ErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: OpenAiErrorType;
    readonly param: string | null;
    readonly code: string;
  };
}

export function errorBody(status: number, code: string, message: string, param?: string): ErrorBody {
  const type = code === INSUFFICIENT_QUOTA ? INSUFFICIENT_QUOTA : openAiErrorType(status);
  return { error: { message, type, param: param ?? null, code } };
}
