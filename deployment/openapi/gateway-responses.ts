import type { ApiAuth } from "./api-routes";
import { openAiErrorType } from "../../contract/errors";

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

/** API Gateway's own errors (missing key, throttling, unknown route) in OpenAI's error shape, as the handlers answer theirs. */
export function gatewayResponses(auth: ApiAuth, origins: readonly string[]): Record<string, unknown> {
  const allowOrigin = gatewayAllowOrigin(origins);
  const responseParameters = {
    "gatewayresponse.header.content-type": "'application/json'",
    ...(allowOrigin ? { "gatewayresponse.header.Access-Control-Allow-Origin": allowOrigin } : {}),
  };
  // statusCode is a string matching [1-5]\d\d: a number is a warning, and warnings fail the import.
  // `message` is a template expression (messageString is already a quoted JSON string).
  const response = (
    status: number | undefined,
    code: string,
    message = "$context.error.messageString",
    type = status ? openAiErrorType(status) : "invalid_request_error",
  ) => ({
    ...(status ? { statusCode: String(status) } : {}),
    responseTemplates: {
      "application/json": `{"error":{"message":${message},"type":"${type}","param":null,"code":"${code}"},"requestId":"$context.requestId"}`,
    },
    responseParameters,
  });
  // A missing or wrong key, as OpenAI answers it, so OpenAI clients raise their authentication error.
  const invalidKey = (message: string) => ({
    statusCode: "401",
    responseTemplates: { "application/json": JSON.stringify({ error: { message, type: "invalid_request_error", param: null, code: "invalid_api_key" } }) },
    responseParameters,
  });
  const noKey = "No API key: send it as Authorization: Bearer <key> (or x-api-key).";
  const keys =
    auth === "apiKey"
      ? {
          // The authorizer refuses a request without a key (UNAUTHORIZED); API Gateway refuses a wrong one.
          UNAUTHORIZED: invalidKey(noKey),
          INVALID_API_KEY: invalidKey("Incorrect API key provided."),
          // A consumer's key outside its models' routes: the route names the model.
          ACCESS_DENIED: response(403, "permission_denied", '"This API key may not call $context.httpMethod $context.resourcePath."'),
        }
      : { INVALID_API_KEY: response(403, "invalid_api_key"), ACCESS_DENIED: response(403, "access_denied") };
  return {
    ...keys,
    DEFAULT_4XX: response(undefined, "client_error"),
    DEFAULT_5XX: response(undefined, "gateway_error", undefined, "server_error"),
    // Only direct integrations are checked at the gateway (the functions check their own bodies and name the field).
    BAD_REQUEST_BODY: response(400, "invalid_request"),
    BAD_REQUEST_PARAMETERS: response(400, "invalid_request"),
    // API Gateway says "Missing Authentication Token" for unknown routes; with SigV4 it also means "not signed", so it stays 403 there.
    MISSING_AUTHENTICATION_TOKEN:
      auth === "iam" ? response(403, "missing_authentication") : response(404, "unknown_route", '"Unknown route: $context.httpMethod $context.path"'),
    THROTTLED: response(429, "rate_limited"),
    QUOTA_EXCEEDED: response(429, "quota_exceeded"),
    // REQUEST_TOO_LARGE cannot be customised (developer guide): API Gateway answers its own 413.
    INTEGRATION_TIMEOUT: response(504, "timeout"),
  };
}
