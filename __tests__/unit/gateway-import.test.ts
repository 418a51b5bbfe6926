import { gatewayDocument } from "../../deployment/openapi/gateway-document";
import { UNSUPPORTED_FORMATS, UNSUPPORTED_MODEL_KEYWORDS, gatewayModel } from "../../deployment/openapi/gateway-model";
import { generateRequestSchema } from "../../contract/generate-request";
import { chatRequestSchema } from "../../contract/chat-request";

// API Gateway imports the body with fail_on_warnings: one construct from the developer guide's list of
// unsupported OpenAPI features ("Amazon API Gateway important notes for REST APIs") fails the apply.
const documents = [
  [
    "api key",
    gatewayDocument({
      title: "t",
      auth: "apiKey",
      openaiUri: "arn:chat",
      authorizerUri: "arn:auth",
      models: [{ model: "m", invokeUri: "arn:i", streamUri: "arn:s" }],
    }),
  ],
  [
    "iam, cors",
    gatewayDocument({
      title: "t",
      auth: "iam",
      openaiUri: "arn:chat",
      corsOrigins: ["https://a.example"],
      models: [{ model: "m", invokeUri: "arn:i" }],
    }),
  ],
  [
    "direct integration",
    gatewayDocument({
      title: "t",
      auth: "none",
      openaiUri: "arn:chat",
      models: [{ model: "d", invokeUri: "arn:d", direct: { credentials: "arn:r", answer: "list" } }],
    }),
  ],
] as const;

/** Every schema object reachable from a schema, with its path. */
function* schemasIn(schema: any, path: string): Generator<[string, any]> {
  if (!schema || typeof schema !== "object") return;
  yield [path, schema];
  for (const [name, sub] of Object.entries(schema.properties ?? {}))
    yield* schemasIn(sub, `${path}.properties.${name}`);
  if (schema.items) yield* schemasIn(schema.items, `${path}.items`);
  for (const key of ["anyOf", "oneOf", "allOf"])
    for (const [i, sub] of (schema[key] ?? []).entries()) yield* schemasIn(sub, `${path}.${key}[${i}]`);
}

function problems(doc: any): string[] {
  const found: string[] = [];
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    if (!/^[A-Za-z0-9]+$/.test(name)) found.push(`model name ${name} is not alphanumeric`);
    for (const [path, s] of schemasIn(schema, name)) {
      for (const keyword of UNSUPPORTED_MODEL_KEYWORDS) if (keyword in s) found.push(`${path}: ${keyword}`);
      if ((UNSUPPORTED_FORMATS as readonly string[]).includes(s.format)) found.push(`${path}: format ${s.format}`);
    }
  }
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    if (!path.split("/").every((segment) => /^[A-Za-z0-9\-.,{}]*$/.test(segment)))
      found.push(`path ${path} has characters a segment may not hold`);
    for (const [method, op] of Object.entries<any>(item)) {
      if (!Array.isArray(op.security)) found.push(`${method} ${path}: security must be set per operation`);
      for (const [status, response] of Object.entries<any>(op.responses ?? {})) {
        if (response.$ref) found.push(`${method} ${path} ${status}: response by $ref`);
        for (const [type, content] of Object.entries<any>(response.content ?? {})) {
          const schema = content.schema;
          if (schema && !schema.$ref && schema.type !== "object")
            found.push(`${method} ${path} ${status} ${type}: a primitive response schema`);
        }
      }
    }
  }
  for (const scheme of Object.values<any>(doc.components.securitySchemes ?? {}))
    if (scheme.type !== "apiKey") found.push(`security scheme type ${scheme.type}`);
  for (const [type, response] of Object.entries<any>(doc["x-amazon-apigateway-gateway-responses"])) {
    if (type === "REQUEST_TOO_LARGE") found.push("REQUEST_TOO_LARGE cannot be customised");
    if (
      "statusCode" in response &&
      !(typeof response.statusCode === "string" && /^[1-5]\d\d$/.test(response.statusCode))
    )
      found.push(`${type}: statusCode ${JSON.stringify(response.statusCode)}`);
  }
  return found;
}

describe("the OpenAPI body, against API Gateway's list of unsupported features", () => {
  it.each(documents)("%s: holds none of them", (_, doc) => {
    expect(problems(doc)).toEqual([]);
  });

  it("the check finds each of them in a document that has them (it can fail)", () => {
    const bad = structuredClone(documents[0][1]) as any;
    bad.components.schemas.GenerateRequest = generateRequestSchema;
    bad.paths["/m/stream"].post.responses["200"] = {
      description: "sse",
      content: { "text/event-stream": { schema: { type: "string" } } },
    };
    bad["x-amazon-apigateway-gateway-responses"].REQUEST_TOO_LARGE = { statusCode: 413 };
    bad["x-amazon-apigateway-gateway-responses"].THROTTLED.statusCode = 429;
    expect(problems(bad)).toEqual(
      expect.arrayContaining([
        "GenerateRequest: additionalProperties",
        "GenerateRequest.properties.parameters.properties.temperature: exclusiveMinimum",
        "GenerateRequest.properties.parameters.properties.top_p: exclusiveMaximum",
        "post /m/stream 200 text/event-stream: a primitive response schema",
        "REQUEST_TOO_LARGE cannot be customised",
        "REQUEST_TOO_LARGE: statusCode 413",
        "THROTTLED: statusCode 429",
      ]),
    );
  });

  it("keeps what the gateway can check: required fields, types, bounds, enums", () => {
    const model = gatewayModel(chatRequestSchema) as any;
    expect(model.required).toEqual(["model", "messages"]);
    // OpenAPI 3.0's nullable becomes draft 4's type list, which API Gateway's models take.
    expect(model.properties.top_p).toEqual({ type: ["number", "null"], minimum: 0, maximum: 1 });
    expect(model.properties.messages.items.properties.role.enum).toEqual([
      "system",
      "developer",
      "user",
      "assistant",
      "tool",
    ]);
    expect(model.properties.messages.minItems).toBe(1);
  });
});
