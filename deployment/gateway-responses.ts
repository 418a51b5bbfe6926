import type { ApiAuth } from "./openapi";

export const CORS_ALLOW_HEADERS = "content-type,x-api-key,authorization,x-amzn-sagemaker-custom-attributes";

/**
 * The Access-Control-Allow-Origin of answers API Gateway makes itself: one origin (or "*") as a
 * constant. A gateway response cannot check the request's Origin against a list, and echoing it would
 * let any site read these answers: with several origins they carry none, so a browser sees a CORS
 * failure for a gateway-made error (the handlers' own answers still name the caller's listed origin).
 */
function gatewayAllowOrigin(origins: readonly string[]): string | undefined {
  if (origins.includes("*")) return "'*'";
  return origins.length === 1 ? `'${origins[0]}'` : undefined;
}

/** API Gateway's own errors (bad body, missing key, throttling) in the same JSON shape as the handlers'. */
export function gatewayResponses(auth: ApiAuth, origins: readonly string[]): Record<string, unknown> {
  const allowOrigin = gatewayAllowOrigin(origins);
  // statusCode is a string matching [1-5]\d\d: a number is a warning, and warnings fail the import.
  const response = (type: string, statusCode?: string) => ({
    ...(statusCode ? { statusCode } : {}),
    responseTemplates: {
      "application/json": `{"error":{"type":"${type}","message":$context.error.messageString,"requestId":"$context.requestId"}}`,
    },
    responseParameters: {
      "gatewayresponse.header.content-type": "'application/json'",
      ...(allowOrigin ? { "gatewayresponse.header.Access-Control-Allow-Origin": allowOrigin } : {}),
    },
  });
  // A missing or wrong key, in OpenAI's error shape, so OpenAI clients raise their authentication error.
  const invalidKey = (message: string) => ({
    statusCode: "401",
    responseTemplates: { "application/json": JSON.stringify({ error: { message, type: "invalid_request_error", code: "invalid_api_key" } }) },
    responseParameters: response("invalid_api_key").responseParameters,
  });
  const noKey = "No API key: send it as Authorization: Bearer <key> (or x-api-key).";
  const keys =
    auth === "apiKey"
      ? {
          // The authorizer denies a request without a key; API Gateway refuses a wrong one.
          ACCESS_DENIED: invalidKey(noKey),
          UNAUTHORIZED: invalidKey(noKey),
          INVALID_API_KEY: invalidKey("Incorrect API key provided."),
        }
      : { INVALID_API_KEY: response("invalid_api_key", "403"), ACCESS_DENIED: response("access_denied", "403") };
  return {
    ...keys,
    DEFAULT_4XX: response("client_error"),
    DEFAULT_5XX: response("gateway_error"),
    BAD_REQUEST_BODY: response("invalid_request", "400"),
    BAD_REQUEST_PARAMETERS: response("invalid_request", "400"),
    // API Gateway says this for unknown routes; with SigV4 it also means "not signed", so it stays 403 there.
    MISSING_AUTHENTICATION_TOKEN: auth === "iam" ? response("missing_authentication", "403") : response("not_found", "404"),
    THROTTLED: response("rate_limited", "429"),
    QUOTA_EXCEEDED: response("quota_exceeded", "429"),
    // REQUEST_TOO_LARGE cannot be customised (developer guide): API Gateway answers its own 413.
    INTEGRATION_TIMEOUT: response("timeout", "504"),
  };
}
