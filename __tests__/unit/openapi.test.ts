import { buildOpenApiDocument, invokePath, type OpenApiInput } from "../../modules/openapi";

const input = (over: Partial<OpenApiInput> = {}): OpenApiInput => ({
  title: "llm-api-v1-api",
  auth: "apiKey",
  routes: [
    { model: "mistral-7b", integrationUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:a/invocations" },
    { model: "falcon", integrationUri: "uri-b" },
  ],
  ...over,
});

type Op = Record<string, any>;
const operations = (doc: Record<string, any>): [string, Op][] => Object.entries(doc.paths).map(([path, item]) => [path, (item as { post: Op }).post]);

describe("buildOpenApiDocument", () => {
  it("gives one POST path per model with a Lambda proxy integration called with POST", () => {
    const doc = buildOpenApiDocument(input());
    expect(Object.keys(doc.paths as object)).toEqual(["/mistral-7b/invoke", "/falcon/invoke"]);
    const [, op] = operations(doc)[0];
    expect(Object.keys((doc.paths as any)["/mistral-7b/invoke"])).toEqual(["post"]);
    expect(op["x-amazon-apigateway-integration"]).toEqual({
      type: "aws_proxy",
      httpMethod: "POST",
      uri: input().routes[0].integrationUri,
      passthroughBehavior: "when_no_match",
      timeoutInMillis: 29000,
    });
    expect(op.operationId).toBe("invokeMistral7b");
  });

  it("validates every request body against the generate schema", () => {
    const doc = buildOpenApiDocument(input());
    expect(doc["x-amazon-apigateway-request-validators"]).toEqual({ body: { validateRequestBody: true, validateRequestParameters: true } });
    for (const [, op] of operations(doc)) {
      expect(op["x-amazon-apigateway-request-validator"]).toBe("body");
      expect(op.requestBody).toEqual({ required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/GenerateRequest" } } } });
    }
    const request = (doc.components as any).schemas.GenerateRequest;
    expect(request).toMatchObject({ type: "object", required: ["inputs"], additionalProperties: false });
    expect(request.$schema).toBeUndefined();
  });

  it("when auth is apiKey, it requires the x-api-key header on every method", () => {
    const doc = buildOpenApiDocument(input());
    expect(doc["x-amazon-apigateway-api-key-source"]).toBe("HEADER");
    expect((doc.components as any).securitySchemes).toEqual({ api_key: { type: "apiKey", name: "x-api-key", in: "header" } });
    for (const [, op] of operations(doc)) expect(op.security).toEqual([{ api_key: [] }]);
  });

  it("when auth is iam, it requires SigV4 on every method", () => {
    const doc = buildOpenApiDocument(input({ auth: "iam" }));
    expect(doc["x-amazon-apigateway-api-key-source"]).toBeUndefined();
    expect((doc.components as any).securitySchemes.sigv4["x-amazon-apigateway-authtype"]).toBe("awsSigv4");
    for (const [, op] of operations(doc)) expect(op.security).toEqual([{ sigv4: [] }]);
  });

  it("when auth is none, it leaves methods open and defines no scheme", () => {
    const doc = buildOpenApiDocument(input({ auth: "none" }));
    expect((doc.components as any).securitySchemes).toEqual({});
    for (const [, op] of operations(doc)) expect(op.security).toEqual([]);
  });

  it("answers API Gateway's own errors with the handlers' JSON error shape", () => {
    const responses = buildOpenApiDocument(input())["x-amazon-apigateway-gateway-responses"] as Record<string, any>;
    expect(responses.BAD_REQUEST_BODY.statusCode).toBe(400);
    expect(responses.THROTTLED.statusCode).toBe(429);
    expect(responses.INVALID_API_KEY.statusCode).toBe(403);
    for (const [name, response] of Object.entries(responses)) {
      // API Gateway fills $context.error.messageString with a quoted JSON string.
      const rendered = response.responseTemplates["application/json"].replace("$context.error.messageString", '"Forbidden"').replace("$context.requestId", "req-1");
      const body = JSON.parse(rendered);
      expect([name, Object.keys(body.error)]).toEqual([name, ["type", "message", "requestId"]]);
    }
  });

  it("is a pure function: the same input gives the same document", () => {
    expect(JSON.stringify(buildOpenApiDocument(input()))).toBe(JSON.stringify(buildOpenApiDocument(input())));
    expect(invokePath("a-b")).toBe("/a-b/invoke");
  });
});
