import { errorResponseSchema, generateRequestSchema, generateResponseSchema } from "../functions/lib/generate-request";

/**
 * The REST API as an OpenAPI 3 document, a pure function of the config and the
 * function ARNs. API Gateway imports it as the API body, so this is the one
 * place routes, validation and auth are defined.
 */
export type ApiAuth = "apiKey" | "iam" | "none";

export interface ApiRoute {
  /** Configured model name; the path is /<model>/invoke. */
  readonly model: string;
  /** Lambda proxy integration URI (the function's invoke_arn). */
  readonly integrationUri: string;
}

export interface OpenApiInput {
  readonly title: string;
  readonly auth: ApiAuth;
  readonly routes: readonly ApiRoute[];
  /** Buffered integrations end at API Gateway's 29 s default. */
  readonly integrationTimeoutMs?: number;
}

export const invokePath = (model: string): string => `/${model}/invoke`;

const API_KEY_SCHEME = "api_key";
const SIGV4_SCHEME = "sigv4";

/** API Gateway's own errors (bad body, missing key, throttling) in the same JSON shape as the handlers'. */
function gatewayResponses(): Record<string, unknown> {
  const body = (type: string) => ({
    "application/json": `{"error":{"type":"${type}","message":$context.error.messageString,"requestId":"$context.requestId"}}`,
  });
  const response = (type: string, statusCode?: number) => ({
    ...(statusCode ? { statusCode } : {}),
    responseTemplates: body(type),
    responseParameters: { "gatewayresponse.header.content-type": "'application/json'" },
  });
  return {
    DEFAULT_4XX: response("client_error"),
    DEFAULT_5XX: response("gateway_error"),
    BAD_REQUEST_BODY: response("invalid_request", 400),
    BAD_REQUEST_PARAMETERS: response("invalid_request", 400),
    INVALID_API_KEY: response("invalid_api_key", 403),
    ACCESS_DENIED: response("access_denied", 403),
    MISSING_AUTHENTICATION_TOKEN: response("not_found_or_unauthenticated", 403),
    THROTTLED: response("rate_limited", 429),
    QUOTA_EXCEEDED: response("quota_exceeded", 429),
    REQUEST_TOO_LARGE: response("request_too_large", 413),
    INTEGRATION_TIMEOUT: response("timeout", 504),
  };
}

function operationId(model: string): string {
  return `invoke${model.split("-").map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("")}`;
}

const jsonSchema = (ref: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });
const errorResponse = (description: string) => ({ description, content: jsonSchema("Error") });

export function buildOpenApiDocument(input: OpenApiInput): Record<string, unknown> {
  const security =
    input.auth === "apiKey" ? [{ [API_KEY_SCHEME]: [] }] : input.auth === "iam" ? [{ [SIGV4_SCHEME]: [] }] : [];
  const securitySchemes =
    input.auth === "apiKey"
      ? { [API_KEY_SCHEME]: { type: "apiKey", name: "x-api-key", in: "header" } }
      : input.auth === "iam"
        ? { [SIGV4_SCHEME]: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" } }
        : {};

  const paths: Record<string, unknown> = {};
  for (const route of input.routes) {
    paths[invokePath(route.model)] = {
      post: {
        operationId: operationId(route.model),
        summary: `Generate text with ${route.model}`,
        tags: [route.model],
        security,
        "x-amazon-apigateway-request-validator": "body",
        requestBody: { required: true, content: jsonSchema("GenerateRequest") },
        responses: {
          "200": { description: "Generated text", content: jsonSchema("GenerateResponse") },
          "400": errorResponse("Invalid request"),
          "403": errorResponse("Missing or invalid credentials"),
          "404": errorResponse("Unknown model"),
          "413": errorResponse("Request too large"),
          "422": errorResponse("The model rejected the input (for example, too many tokens)"),
          "424": errorResponse("The model failed"),
          "429": errorResponse("Throttled"),
          "502": errorResponse("The model endpoint failed"),
          "503": errorResponse("The model endpoint is not in service"),
          "504": errorResponse("The model did not answer in time"),
        },
        // Lambda proxy integrations are always called with POST, whatever the client's method.
        "x-amazon-apigateway-integration": {
          type: "aws_proxy",
          httpMethod: "POST",
          uri: route.integrationUri,
          passthroughBehavior: "when_no_match",
          timeoutInMillis: input.integrationTimeoutMs ?? 29000,
        },
      },
    };
  }

  const { $schema: _request, ...request } = generateRequestSchema;
  const { $schema: _response, ...response } = generateResponseSchema;
  const { $schema: _error, ...error } = errorResponseSchema;

  return {
    openapi: "3.0.1",
    info: { title: input.title, version: "1.0.0", description: "Private LLM API: one path per configured model." },
    ...(input.auth === "apiKey" ? { "x-amazon-apigateway-api-key-source": "HEADER" } : {}),
    "x-amazon-apigateway-request-validators": {
      body: { validateRequestBody: true, validateRequestParameters: true },
    },
    "x-amazon-apigateway-gateway-responses": gatewayResponses(),
    paths,
    components: {
      schemas: { GenerateRequest: request, GenerateResponse: response, Error: error },
      securitySchemes,
    },
  };
}
