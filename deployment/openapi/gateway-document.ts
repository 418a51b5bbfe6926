import { CHAT_PATH, COMPLETIONS_PATH, EMBEDDINGS_PATH, MODEL_PATH, MODELS_PATH, RESPONSES_PATH, invokePath, streamPath } from "../../contract/routes";
import { embeddingRequestSchema } from "../../contract/embedding-request";
import { completionRequestSchema } from "../../contract/completion-request";
import { errorResponseSchema, generateRequestSchema, generateResponseSchema } from "../../contract/generate-request";
import { chatRequestSchema } from "../../contract/chat-request";
import { responsesRequestSchema } from "../../contract/responses-request";
import { gatewayModel } from "./gateway-model";
import type { ApiAuth, DirectAnswer, ModelRoutes } from "./api-routes";
import { directIntegration } from "./direct-integration";

export { directInvokeUri } from "./direct-integration";
import { CORS_ALLOW_HEADERS, gatewayResponses } from "./gateway-responses";
import { withPreflight } from "./cors-preflight";
import { API_GATEWAY_INTEGRATION_TIMEOUT_MS } from "../../reference/aws-limits";

export { CORS_ALLOW_HEADERS };
export type { ApiAuth, DirectAnswer, ModelRoutes };

/**
 * The REST API as an OpenAPI 3 document, a pure function of the config and the
 * integration URIs. API Gateway imports it as the API body and the local server
 * routes by it, so this is the one place routes, validation and auth are defined.
 */
export interface OpenApiInput {
  readonly title: string;
  readonly auth: ApiAuth;
  readonly models: readonly ModelRoutes[];
  /** Response-streaming URI of the OpenAI-compatible function (/v1/chat/completions, /v1/models). */
  readonly openaiUri: string;
  /**
   * With auth "apiKey": the invoke URI of the REQUEST authorizer that passes the key a client sent
   * (Bearer or x-api-key) to API Gateway, which checks it against the usage plans.
   */
  readonly authorizerUri?: string;
  /** Buffered integrations end at API Gateway's 29 s default. */
  readonly integrationTimeoutMs?: number;
  /** Streamed integrations may run up to 15 minutes. */
  readonly streamTimeoutMs?: number;
  /** Browser origins allowed by CORS; empty for none. */
  readonly corsOrigins?: readonly string[];
}

/** Lambda response streaming is its own integration URI (2021-11-15 API), not the function's invoke_arn. */
export function streamingInvokeUri(partition: string, region: string, functionArn: string): string {
  return `arn:${partition}:apigateway:${region}:lambda:path/2021-11-15/functions/${functionArn}/response-streaming-invocations`;
}

const API_KEY_SCHEME = "api_key";
const BEARER_SCHEME = "bearer";
const SIGV4_SCHEME = "sigv4";

const pascal = (name: string) =>
  name
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
const jsonSchema = (ref: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });
const errorResponse = (description: string) => ({ description, content: jsonSchema("Error") });
// A method response schema must be an object type: a text/event-stream body has none.
const sse = (description: string) => ({ description: `${description} (text/event-stream)` });

const ERRORS = {
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
};

const withoutDialect = <T extends { $schema?: string }>({ $schema: _, ...rest }: T) => rest;

/** The request and response contract in full; API Gateway gets the part it can check (gatewayModel). */
export const CONTRACT_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = {
  GenerateRequest: withoutDialect(generateRequestSchema),
  GenerateResponse: withoutDialect(generateResponseSchema),
  ChatCompletionRequest: withoutDialect(chatRequestSchema),
  CompletionRequest: withoutDialect(completionRequestSchema),
  EmbeddingRequest: withoutDialect(embeddingRequestSchema),
  ResponsesRequest: withoutDialect(responsesRequestSchema),
  Error: withoutDialect(errorResponseSchema),
};

export function gatewayDocument(input: OpenApiInput): Record<string, unknown> {
  if (input.auth === "apiKey" && !input.authorizerUri) throw new Error("auth apiKey needs the authorizer's URI");
  const { security, securitySchemes } = securityOf(input);
  const origins = input.corsOrigins ?? [];
  const paths: Record<string, unknown> = {};
  const ownSchemas: Record<string, Record<string, unknown>> = {};
  for (const m of input.models) Object.assign(paths, modelPaths(m, input, security, ownSchemas));
  for (const route of OPENAI_OPERATIONS) {
    const op = operation({ ...route, tag: "openai", integration: streamed(input.openaiUri, input), security });
    paths[route.path] = withPreflight({ [route.method]: route.parameters ? { parameters: route.parameters, ...op } : op }, origins);
  }
  return {
    openapi: "3.0.1",
    info: { title: input.title, version: "1.0.0", description: "Private LLM API: buffered, streamed and OpenAI-compatible routes per configured model." },
    // The key comes from the authorizer (usageIdentifierKey), read from Bearer or x-api-key.
    ...(input.auth === "apiKey" ? { "x-amazon-apigateway-api-key-source": "AUTHORIZER" } : {}),
    "x-amazon-apigateway-request-validators": { body: { validateRequestBody: true, validateRequestParameters: true } },
    "x-amazon-apigateway-gateway-responses": gatewayResponses(input.auth, origins),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries({ ...CONTRACT_SCHEMAS, ...ownSchemas }).map(([name, schema]) => [name, gatewayModel(withoutDialect(schema))])),
      securitySchemes,
    },
  };
}

type Security = Record<string, never[]>[];

/** Both at once (AND) with API keys: the authorizer names the key, and API Gateway requires a valid one. */
function securityOf(input: OpenApiInput): { security: Security; securitySchemes: Record<string, unknown> } {
  if (input.auth === "iam")
    return {
      security: [{ [SIGV4_SCHEME]: [] }],
      securitySchemes: { [SIGV4_SCHEME]: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" } },
    };
  if (input.auth !== "apiKey") return { security: [], securitySchemes: {} };
  const bearer = {
    type: "apiKey",
    name: "Authorization",
    in: "header",
    "x-amazon-apigateway-authtype": "custom",
    // No identity source and no cache: a cached authorizer needs every identity source
    // present, and clients send either header. The cost is one authorizer call per request.
    "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: input.authorizerUri, authorizerResultTtlInSeconds: 0 },
  };
  return {
    security: [{ [API_KEY_SCHEME]: [], [BEARER_SCHEME]: [] }],
    securitySchemes: { [API_KEY_SCHEME]: { type: "apiKey", name: "x-api-key", in: "header" }, [BEARER_SCHEME]: bearer },
  };
}

// Lambda proxy integrations are always called with POST, whatever the client's method.
const buffered = (uri: string, input: OpenApiInput) => ({
  type: "aws_proxy",
  httpMethod: "POST",
  uri,
  passthroughBehavior: "when_no_match",
  timeoutInMillis: input.integrationTimeoutMs ?? API_GATEWAY_INTEGRATION_TIMEOUT_MS,
});
const streamed = (uri: string, input: OpenApiInput) => ({
  type: "aws_proxy",
  httpMethod: "POST",
  uri,
  passthroughBehavior: "when_no_match",
  responseTransferMode: "STREAM",
  timeoutInMillis: input.streamTimeoutMs ?? 900_000,
});

interface OperationProps {
  readonly id: string;
  readonly summary: string;
  readonly tag: string;
  /** The request body's schema, if it has one. */
  readonly body?: string;
  readonly ok: unknown;
  readonly integration: unknown;
  /**
   * "function": the function checks the body with the same schema and names the field at fault
   * (OpenAI's param), which API Gateway's validation cannot; the gateway then only documents it.
   */
  readonly checkedBy?: "gateway" | "function";
  readonly security: Security;
}

function operation(op: OperationProps) {
  const { body, checkedBy = "gateway" } = op;
  return {
    operationId: op.id,
    summary: op.summary,
    tags: [op.tag],
    security: op.security,
    ...(body && checkedBy === "gateway" ? { "x-amazon-apigateway-request-validator": "body" } : {}),
    ...(body ? { requestBody: { required: true, content: jsonSchema(body) } } : {}),
    responses: { "200": op.ok, ...ERRORS },
    "x-amazon-apigateway-integration": op.integration,
  };
}

/** A model's /invoke (buffered, or API Gateway's own call to SageMaker) and /stream routes; an own handler's body schema is added to `ownSchemas`. */
function modelPaths(m: ModelRoutes, input: OpenApiInput, security: Security, ownSchemas: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const origins = input.corsOrigins ?? [];
  const timeout = input.integrationTimeoutMs ?? API_GATEWAY_INTEGRATION_TIMEOUT_MS;
  const integration = m.direct ? directIntegration(m.invokeUri, m.direct, timeout) : buffered(m.invokeUri, input);
  // An own handler's schema is a model of its own; false leaves the body unchecked at the gateway.
  const bodyModel = m.requestSchema === undefined ? "GenerateRequest" : m.requestSchema === false ? undefined : `${pascal(m.model)}InvokeRequest`;
  if (m.requestSchema) ownSchemas[`${pascal(m.model)}InvokeRequest`] = m.requestSchema;
  const ok = { description: "Generated text", content: jsonSchema("GenerateResponse") };
  const invoke = operation({
    id: `invoke${pascal(m.model)}`,
    summary: `Generate text with ${m.model}`,
    tag: m.model,
    body: bodyModel,
    ok,
    integration,
    security,
  });
  // A direct integration maps the header, so the method declares it (optional).
  const header = { name: "X-Amzn-SageMaker-Custom-Attributes", in: "header", required: false, schema: { type: "string" } };
  const paths: Record<string, unknown> = { [invokePath(m.model)]: withPreflight({ post: m.direct ? { parameters: [header], ...invoke } : invoke }, origins) };
  if (!m.streamUri) return paths;
  const stream = operation({
    id: `stream${pascal(m.model)}`,
    summary: `Stream tokens from ${m.model} as Server-Sent Events`,
    tag: m.model,
    body: "GenerateRequest",
    ok: sse("event: token / done / error"),
    integration: streamed(m.streamUri, input),
    security,
  });
  paths[streamPath(m.model)] = withPreflight({ post: stream }, origins);
  return paths;
}

/** The OpenAI function's routes, in the document's order: one function, streamed, each body checked by the function. */
const OPENAI_OPERATIONS: readonly (Omit<OperationProps, "tag" | "integration" | "security"> & {
  readonly path: string;
  readonly method: "post" | "get";
  readonly parameters?: readonly unknown[];
})[] = [
  {
    path: CHAT_PATH,
    method: "post",
    id: "createChatCompletion",
    summary: "OpenAI-compatible chat completion (stream: true for SSE chunks)",
    body: "ChatCompletionRequest",
    ok: { description: "chat.completion, or chat.completion.chunk events ending in [DONE]" },
    checkedBy: "function",
  },
  {
    path: COMPLETIONS_PATH,
    method: "post",
    id: "createCompletion",
    summary: "OpenAI-compatible legacy text completion on the model's generate API (stream: true for SSE chunks)",
    body: "CompletionRequest",
    ok: { description: "text_completion, or text_completion chunks ending in [DONE]" },
    checkedBy: "function",
  },
  {
    path: EMBEDDINGS_PATH,
    method: "post",
    id: "createEmbedding",
    summary: "OpenAI-compatible embeddings from the embedding models (Text Embeddings Inference)",
    body: "EmbeddingRequest",
    ok: { description: "A list of embeddings" },
    checkedBy: "function",
  },
  {
    path: RESPONSES_PATH,
    method: "post",
    id: "createResponse",
    summary: "OpenAI-compatible Responses API, stateless: the whole conversation in input (stream: true for its events)",
    body: "ResponsesRequest",
    ok: { description: "A response object, or its stream of response.* events" },
    checkedBy: "function",
  },
  { path: MODELS_PATH, method: "get", id: "listModels", summary: "The configured models, OpenAI style", ok: { description: "A list of models" } },
  {
    path: MODEL_PATH,
    method: "get",
    id: "retrieveModel",
    summary: "One model, OpenAI style (404 for one the key may not call)",
    ok: { description: "A model" },
    parameters: [{ name: "model", in: "path", required: true, schema: { type: "string" } }],
  },
];
