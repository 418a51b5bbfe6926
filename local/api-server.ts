import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { validate, type Schema } from "../functions/lib/validate";
import { ResponseStreamSink, isStreaming, lambdaContext, type AnyHandler } from "./lambda-runtime";

/**
 * A local stand-in for the deployed REST API. Routes, auth and request
 * validation come from the same OpenAPI document API Gateway imports; each
 * integration URI names a handler, and the handlers are the real ones.
 */
export interface LocalApiOptions {
  readonly document: Record<string, any>;
  /** Handler per integration URI of the document. */
  readonly handlers: Readonly<Record<string, AnyHandler>>;
  /** The key clients must send as x-api-key when the document asks for one. */
  readonly apiKey?: string;
  /** Origins allowed to call from a browser; "*" for any. */
  readonly corsOrigins?: readonly string[];
}

/** API Gateway's payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export function createLocalApi(options: LocalApiOptions): Server {
  return createServer((req, res) => {
    handle(options, req, res).catch((err) => {
      // A handler that throws is a Lambda error: API Gateway answers 502.
      if (!res.headersSent) gatewayError(options, res, "DEFAULT_5XX", 502, "Internal server error", randomUUID());
      else res.destroy(err as Error);
    });
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer | "too large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return "too large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** One of the document's gateway responses, rendered as API Gateway renders its template. */
function gatewayError(options: LocalApiOptions, res: ServerResponse, type: string, fallbackStatus: number, message: string, requestId: string): void {
  const responses = options.document["x-amazon-apigateway-gateway-responses"] ?? {};
  const response = responses[type] ?? responses.DEFAULT_4XX;
  const template: string = response?.responseTemplates?.["application/json"] ?? '{"message":$context.error.messageString}';
  const body = template.replace("$context.error.messageString", JSON.stringify(message)).replace("$context.requestId", requestId);
  res.writeHead(response?.statusCode ?? fallbackStatus, { "content-type": "application/json", "x-request-id": requestId, ...corsHeaders(options, res.req) });
  res.end(body);
}

function corsHeaders(options: LocalApiOptions, req: IncomingMessage | undefined): Record<string, string> {
  const origin = req?.headers.origin;
  const allowed = options.corsOrigins ?? [];
  if (!origin || !(allowed.includes("*") || allowed.includes(origin))) return {};
  return {
    "access-control-allow-origin": allowed.includes("*") ? "*" : origin,
    "access-control-allow-headers": "content-type,x-api-key,authorization",
    "access-control-allow-methods": "GET,POST,OPTIONS",
    vary: "origin",
  };
}

async function handle(options: LocalApiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? "/", "http://local");
  const method = (req.method ?? "GET").toLowerCase();
  const cors = corsHeaders(options, req);
  if (method === "options" && Object.keys(cors).length > 0) {
    res.writeHead(204, cors);
    res.end();
    return;
  }

  const operation = options.document.paths?.[url.pathname]?.[method];
  if (!operation) return gatewayError(options, res, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", requestId);

  const needsKey = (operation.security ?? []).some((s: Record<string, unknown>) => "api_key" in s);
  if (needsKey && (!options.apiKey || req.headers["x-api-key"] !== options.apiKey)) return gatewayError(options, res, "INVALID_API_KEY", 403, "Forbidden", requestId);

  const body = await readBody(req);
  if (body === "too large") return gatewayError(options, res, "REQUEST_TOO_LARGE", 413, "Request Too Long", requestId);

  const ref: string | undefined = operation.requestBody?.content?.["application/json"]?.schema?.$ref;
  if (operation["x-amazon-apigateway-request-validator"] && ref) {
    const schema = options.document.components.schemas[ref.split("/").pop()!] as Schema;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return gatewayError(options, res, "BAD_REQUEST_BODY", 400, "Invalid request body", requestId);
    }
    if (validate(schema, parsed)) return gatewayError(options, res, "BAD_REQUEST_BODY", 400, "Invalid request body", requestId);
  }

  const integration = operation["x-amazon-apigateway-integration"];
  const handler = options.handlers[integration?.uri];
  if (!handler) return gatewayError(options, res, "DEFAULT_5XX", 500, "Internal server error", requestId);

  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
  const event = {
    resource: url.pathname,
    path: url.pathname,
    httpMethod: method.toUpperCase(),
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.fromEntries(url.searchParams),
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: body.length > 0 ? body.toString("utf8") : null,
    requestContext: { requestId, httpMethod: method.toUpperCase(), path: url.pathname, resourcePath: url.pathname },
  } as unknown as APIGatewayProxyEvent;
  const context = lambdaContext(requestId, (integration.timeoutInMillis as number | undefined) ?? 29_000);

  if (isStreaming(handler)) {
    const sink = new ResponseStreamSink(
      (head) => res.writeHead(head.statusCode, { ...head.headers, ...cors }),
      (chunk) => new Promise<void>((resolve) => (res.write(chunk) ? resolve() : res.once("drain", () => resolve()))),
    );
    await handler(event, sink, context);
    await new Promise<void>((resolve) => (sink.writableFinished ? resolve() : sink.once("finish", () => resolve())));
    res.end();
    return;
  }
  const result = await handler(event, context);
  res.writeHead(result.statusCode, { ...(result.headers as Record<string, string>), ...cors });
  res.end(result.body);
}
