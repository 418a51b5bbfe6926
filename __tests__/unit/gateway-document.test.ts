import Ajv from "ajv-draft-04";
import { errorResponseSchema } from "../../contract/generate-request";
import { openAiErrorType } from "../../contract/errors";
import { gatewayDocument, streamingInvokeUri, type OpenApiInput } from "../../deployment/openapi/gateway-document";

const input = (over: Partial<OpenApiInput> = {}): OpenApiInput => ({
  title: "llm-api-v1-api",
  auth: "apiKey",
  models: [
    { model: "mistral-7b", invokeUri: "invoke-a", streamUri: "stream-a" },
    { model: "falcon", invokeUri: "invoke-b", streamUri: "stream-b" },
  ],
  openaiUri: "chat",
  authorizerUri: "authorizer",
  ...over,
});

type Op = Record<string, any>;
const operations = (doc: Record<string, any>): [string, string, Op][] =>
  Object.entries(doc.paths as Record<string, Record<string, Op>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [path, method, op] as [string, string, Op]),
  );

describe("gatewayDocument", () => {
  it("gives each model a buffered and a streamed POST path, plus the OpenAI-compatible routes", () => {
    const doc = gatewayDocument(input());
    expect(operations(doc).map(([path, method]) => `${method.toUpperCase()} ${path}`)).toEqual([
      "POST /mistral-7b/invoke",
      "POST /mistral-7b/stream",
      "POST /falcon/invoke",
      "POST /falcon/stream",
      "POST /v1/chat/completions",
      "POST /v1/completions",
      "POST /v1/embeddings",
      "POST /v1/responses",
      "GET /v1/models",
      "GET /v1/models/{model}",
    ]);
  });

  it("calls every Lambda with POST; buffered within 29 s, streamed with STREAM for up to 15 minutes", () => {
    const doc = gatewayDocument(input()) as Record<string, any>;
    expect(doc.paths["/mistral-7b/invoke"].post["x-amazon-apigateway-integration"]).toEqual({
      type: "aws_proxy",
      httpMethod: "POST",
      uri: "invoke-a",
      passthroughBehavior: "when_no_match",
      timeoutInMillis: 29000,
    });
    expect(doc.paths["/mistral-7b/stream"].post["x-amazon-apigateway-integration"]).toEqual({
      type: "aws_proxy",
      httpMethod: "POST",
      uri: "stream-a",
      passthroughBehavior: "when_no_match",
      responseTransferMode: "STREAM",
      timeoutInMillis: 900000,
    });
    expect(doc.paths["/v1/models"].get["x-amazon-apigateway-integration"]).toMatchObject({
      httpMethod: "POST",
      uri: "chat",
      responseTransferMode: "STREAM",
    });
    expect(streamingInvokeUri("aws", "eu-west-1", "arn:fn")).toBe(
      "arn:aws:apigateway:eu-west-1:lambda:path/2021-11-15/functions/arn:fn/response-streaming-invocations",
    );
  });

  it("validates a body at the gateway only where no function checks it; the OpenAI routes' function names the field itself", () => {
    const doc = gatewayDocument(input()) as Record<string, any>;
    expect(doc["x-amazon-apigateway-request-validators"]).toEqual({
      body: { validateRequestBody: true, validateRequestParameters: true },
    });
    const bodies = operations(doc).map(([path, method, op]) => [
      `${method} ${path}`,
      op["x-amazon-apigateway-request-validator"],
      op.requestBody?.content["application/json"].schema.$ref,
    ]);
    expect(bodies).toEqual([
      ["post /mistral-7b/invoke", "body", "#/components/schemas/GenerateRequest"],
      ["post /mistral-7b/stream", "body", "#/components/schemas/GenerateRequest"],
      ["post /falcon/invoke", "body", "#/components/schemas/GenerateRequest"],
      ["post /falcon/stream", "body", "#/components/schemas/GenerateRequest"],
      ["post /v1/chat/completions", undefined, "#/components/schemas/ChatCompletionRequest"],
      ["post /v1/completions", undefined, "#/components/schemas/CompletionRequest"],
      ["post /v1/embeddings", undefined, "#/components/schemas/EmbeddingRequest"],
      ["post /v1/responses", undefined, "#/components/schemas/ResponsesRequest"],
      ["get /v1/models", undefined, undefined],
      ["get /v1/models/{model}", undefined, undefined],
    ]);
    expect(doc.components.schemas.GenerateRequest).toMatchObject({ type: "object", required: ["inputs"] });
    expect(doc.components.schemas.GenerateRequest.$schema).toBeUndefined();
  });

  it("when auth is apiKey, every method needs a key API Gateway checks, named by the authorizer from Bearer or x-api-key", () => {
    const doc = gatewayDocument(input()) as Record<string, any>;
    expect(doc["x-amazon-apigateway-api-key-source"]).toBe("AUTHORIZER");
    expect(doc.components.securitySchemes).toEqual({
      api_key: { type: "apiKey", name: "x-api-key", in: "header" },
      bearer: {
        type: "apiKey",
        name: "Authorization",
        in: "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {
          type: "request",
          authorizerUri: "authorizer",
          authorizerResultTtlInSeconds: 0,
        },
      },
    });
    for (const [, , op] of operations(doc)) expect(op.security).toEqual([{ api_key: [], bearer: [] }]);
    // A missing or wrong key: 401 in OpenAI's error shape, which OpenAI clients raise as an authentication error.
    const responses = doc["x-amazon-apigateway-gateway-responses"];
    // A key calling a model it may not is a 403 (see authorizer.test.ts).
    expect(responses.ACCESS_DENIED.statusCode).toBe("403");
    for (const type of ["UNAUTHORIZED", "INVALID_API_KEY"]) {
      expect(responses[type].statusCode).toBe("401");
      expect(JSON.parse(responses[type].responseTemplates["application/json"])).toEqual({
        error: { message: expect.any(String), type: "invalid_request_error", param: null, code: "invalid_api_key" },
      });
    }
    expect(() => gatewayDocument(input({ authorizerUri: undefined }))).toThrow(
      "auth apiKey needs the authorizer's URI",
    );
  });

  it("when auth is iam, it requires SigV4 on every method", () => {
    const doc = gatewayDocument(input({ auth: "iam" })) as Record<string, any>;
    expect(doc["x-amazon-apigateway-api-key-source"]).toBeUndefined();
    expect(doc.components.securitySchemes.sigv4["x-amazon-apigateway-authtype"]).toBe("awsSigv4");
    for (const [, , op] of operations(doc)) expect(op.security).toEqual([{ sigv4: [] }]);
    expect(doc["x-amazon-apigateway-gateway-responses"].MISSING_AUTHENTICATION_TOKEN.statusCode).toBe("403");
  });

  it("when auth is none, it leaves methods open and defines no scheme", () => {
    const doc = gatewayDocument(input({ auth: "none" })) as Record<string, any>;
    expect(doc.components.securitySchemes).toEqual({});
    for (const [, , op] of operations(doc)) expect(op.security).toEqual([]);
  });

  it("answers API Gateway's own errors in OpenAI's error shape, as the handlers do, and unknown routes with 404 naming the route", () => {
    const responses = gatewayDocument(input())["x-amazon-apigateway-gateway-responses"] as Record<string, any>;
    expect(responses.BAD_REQUEST_BODY.statusCode).toBe("400");
    expect(responses.THROTTLED.statusCode).toBe("429");
    expect(responses.INVALID_API_KEY.statusCode).toBe("401");
    expect(responses.MISSING_AUTHENTICATION_TOKEN.statusCode).toBe("404");
    const fitsErrorSchema = new Ajv({ strict: true }).compile(errorResponseSchema);
    for (const [name, response] of Object.entries(responses)) {
      // API Gateway fills $context.error.messageString with a quoted JSON string.
      const rendered = response.responseTemplates["application/json"]
        .replace("$context.error.messageString", '"Forbidden"')
        .replace("$context.requestId", "req-1")
        .replace("$context.httpMethod", "GET")
        .replace("$context.resourcePath", "/mistral-7b/invoke")
        .replace("$context.path", "/prod/v2/models");
      const body = JSON.parse(rendered);
      expect([name, fitsErrorSchema(body), fitsErrorSchema.errors]).toEqual([name, true, null]);
      if (response.statusCode && name !== "UNAUTHORIZED" && name !== "ACCESS_DENIED" && name !== "INVALID_API_KEY")
        expect([name, body.error.type]).toEqual([name, openAiErrorType(Number(response.statusCode))]);
    }
    expect(
      JSON.parse(
        responses.MISSING_AUTHENTICATION_TOKEN.responseTemplates["application/json"].replace("$context.requestId", "r"),
      ).error.message,
    ).toBe("Unknown route: $context.httpMethod $context.path");
  });

  it("is a pure function: the same input gives the same document", () => {
    expect(JSON.stringify(gatewayDocument(input()))).toBe(JSON.stringify(gatewayDocument(input())));
  });

  it("with CORS origins, it answers preflight with a mock integration and no key, and adds the origin to gateway errors", () => {
    const doc = gatewayDocument(input({ corsOrigins: ["https://chat.example.com"] })) as Record<string, any>;
    const preflights = operations(doc).filter(([, method]) => method === "options");
    expect(preflights.map(([path]) => path)).toEqual([
      "/mistral-7b/invoke",
      "/mistral-7b/stream",
      "/falcon/invoke",
      "/falcon/stream",
      "/v1/chat/completions",
      "/v1/completions",
      "/v1/embeddings",
      "/v1/responses",
      "/v1/models",
      "/v1/models/{model}",
    ]);
    for (const [, , op] of preflights) {
      expect(op.security).toEqual([]);
      expect(op["x-amazon-apigateway-integration"].type).toBe("mock");
    }
    const models =
      doc.paths["/v1/models"].options["x-amazon-apigateway-integration"].responses.default.responseParameters;
    expect(models).toEqual({
      "method.response.header.Access-Control-Allow-Origin": "'https://chat.example.com'",
      "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
      "method.response.header.Access-Control-Allow-Headers":
        "'content-type,x-api-key,authorization,x-amzn-sagemaker-custom-attributes'",
    });
    expect(
      doc["x-amazon-apigateway-gateway-responses"].THROTTLED.responseParameters[
        "gatewayresponse.header.Access-Control-Allow-Origin"
      ],
    ).toBe("'https://chat.example.com'");
    // With several origins a gateway-made answer cannot pick the caller's: it names none, and never echoes the request's.
    const several = gatewayDocument(input({ corsOrigins: ["https://a.example", "https://b.example"] })) as Record<
      string,
      any
    >;
    for (const [name, response] of Object.entries(
      several["x-amazon-apigateway-gateway-responses"] as Record<string, any>,
    ))
      expect([name, response.responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"]]).toEqual([
        name,
        undefined,
      ]);
    expect(JSON.stringify(several)).not.toContain("method.request.header.origin");
    expect(operations(gatewayDocument(input()) as Record<string, any>).some(([, method]) => method === "options")).toBe(
      false,
    );
  });
});
