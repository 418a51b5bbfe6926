import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import Ajv from "ajv-draft-04";
import { isStreaming, lambdaContext, type AnyHandler } from "./lambda-runtime";
import { proxyEvent, runStreaming } from "./lambda-integration";
import type { JsonObject } from "../contract/json";
import { apiKeyOf } from "../functions/lib/api-key";
import { API_GATEWAY_INTEGRATION_TIMEOUT_MS } from "../reference/aws-limits";

/**
 * A local stand-in for the deployed REST API. Routes, auth and request
 * validation come from the same OpenAPI document API Gateway imports; each
 * integration URI names a handler, and the handlers are the real ones.
 */
export interface LocalApiOptions {
  readonly document: JsonObject;
  /** Handler per integration URI of the document. */
  readonly handlers: Readonly<Record<string, AnyHandler>>;
  /** The key clients must send (Authorization: Bearer, or x-api-key) when the document asks for one. */
  readonly apiKey?: string;
  /**
   * Keys per consumer, as the deployed authorizer and usage plans treat them: each may call its models'
   * routes and the OpenAI routes, and the handlers get its models as the authorizer's context.
   * @default - the one apiKey, for every model
   */
  readonly consumers?: readonly LocalConsumer[];
  /** Files served beside the API, by path (the chat page). */
  readonly staticFiles?: Readonly<Record<string, { readonly type: string; readonly body: string | Buffer }>>;
  /**
   * Host names the server answers to. A page on another site can make a browser send requests
   * to a loopback port under its own name (DNS rebinding); they are refused.
   * @default loopback names only
   */
  readonly allowedHosts?: readonly string[] | "any";
  /** How long a client may take to send its whole request. @default REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
}

export interface LocalConsumer {
  readonly name: string;
  readonly key: string;
  readonly models: readonly string[];
  /** Requests allowed before the usage plan's quota answers 429 (the period is not kept locally). */
  readonly quota?: number;
}

export const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** How long a client may take to send its whole request (a slow body holds a socket). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Equal keys compare in the same time as unequal ones: digests of equal length, compared in constant time. */
function sameKey(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** API Gateway checks request models as JSON Schema draft 4; so does the local stand-in, with Ajv. */
const ajv = new Ajv({ strict: false });
const compiledModels = new WeakMap<object, (value: unknown) => boolean>();
function modelValidator(schema: object): (value: unknown) => boolean {
  let check = compiledModels.get(schema);
  if (!check) compiledModels.set(schema, (check = ajv.compile(schema)));
  return check;
}

const hostName = (host: string | undefined) => (host ?? "").replace(/:\d+$/, "").toLowerCase();

/** API Gateway's payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export function createLocalApi(options: LocalApiOptions): Server {
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // Node checks the timeout on this interval: keep it shorter than the timeout itself.
  return createServer(
    { requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout / 2) },
    (req, res) => {
      handle(options, req, res).catch((err) => {
        // A handler that throws is a Lambda error: API Gateway answers 502.
        if (!res.headersSent)
          gatewayError(options, req, res, "DEFAULT_5XX", 502, "Internal server error", randomUUID());
        else res.destroy(err as Error);
      });
    },
  );
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

/**
 * Header mappings as API Gateway applies them: 'quoted' values are constants,
 * method.request.header.<name> copies a request header.
 */
function mappedHeaders(
  parameters: Record<string, string> | undefined,
  prefix: string,
  req: IncomingMessage,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters ?? {})) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (/^'.*'$/.test(value)) headers[name] = value.slice(1, -1);
    else if (value.startsWith("method.request.header.")) {
      const copied = req.headers[value.slice("method.request.header.".length).toLowerCase()];
      if (typeof copied === "string") headers[name] = copied;
    }
  }
  return headers;
}

/** One of the document's gateway responses, rendered as API Gateway renders its template. */
function gatewayError(
  options: LocalApiOptions,
  req: IncomingMessage,
  res: ServerResponse,
  type: string,
  fallbackStatus: number,
  message: string,
  requestId: string,
): void {
  const responses = options.document["x-amazon-apigateway-gateway-responses"] ?? {};
  const response = responses[type] ?? responses.DEFAULT_4XX;
  const template: string =
    response?.responseTemplates?.["application/json"] ?? '{"message":$context.error.messageString}';
  const body = template
    .replace("$context.error.messageString", JSON.stringify(message))
    .replace("$context.requestId", requestId)
    .replace("$context.httpMethod", req.method ?? "GET")
    .replace(
      "$context.resourcePath",
      routeOf(options.document.paths ?? {}, new URL(req.url ?? "/", "http://local").pathname)?.resource ?? "",
    )
    .replace("$context.path", new URL(req.url ?? "/", "http://local").pathname);
  res.writeHead(Number(response?.statusCode ?? fallbackStatus), {
    "content-type": "application/json",
    "x-request-id": requestId,
    ...mappedHeaders(response?.responseParameters, "gatewayresponse.header.", req),
  });
  res.end(body);
}

/**
 * The document's path that a request path matches, as API Gateway routes: a literal path first, then
 * one whose {name} segments take one segment each, with those segments as path parameters.
 */
export function routeOf(
  paths: JsonObject,
  pathname: string,
): { resource: string; item: JsonObject; parameters: Record<string, string> } | undefined {
  if (paths[pathname]) return { resource: pathname, item: paths[pathname], parameters: {} };
  const segments = pathname.split("/");
  for (const [resource, item] of Object.entries(paths)) {
    const template = resource.split("/");
    if (template.length !== segments.length) continue;
    const parameters: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return part === segments[i];
      if (!segments[i]) return false;
      try {
        parameters[name] = decodeURIComponent(segments[i]);
        return true;
      } catch {
        return false;
      }
    });
    if (matches) return { resource, item, parameters };
  }
  return undefined;
}

/** Requests per consumer, per server (its options object), for the quota. */
const usageOf = new WeakMap<LocalApiOptions, Map<string, number>>();

async function handle(options: LocalApiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const refuse = (code: string, status: number, message: string) =>
    gatewayError(options, req, res, code, status, message, requestId);
  const allowed = options.allowedHosts ?? LOOPBACK_HOSTS;
  if (allowed !== "any" && !allowed.includes(hostName(req.headers.host))) {
    res.writeHead(403, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        message: `Host ${JSON.stringify(req.headers.host ?? "")} is not served here; start with --host to allow it.`,
      }),
    );
    return;
  }
  // The path as sent, as API Gateway matches it: "//x/m/invoke" is not "/m/invoke" (a URL parser would read "//x" as a host).
  const rawPath = (req.url ?? "/").split("?")[0];
  const url = { pathname: rawPath, searchParams: new URLSearchParams((req.url ?? "").split("?")[1] ?? "") };
  const method = (req.method ?? "GET").toLowerCase();
  const file = method === "get" ? options.staticFiles?.[url.pathname] : undefined;
  if (file) {
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
    res.end(file.body);
    return;
  }

  const route = routeOf(options.document.paths ?? {}, url.pathname);
  const operation = route?.item[method];
  if (!route || !operation) return refuse("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token");
  const authorized = authorize(options, req, url.pathname, operation);
  if (Array.isArray(authorized)) return refuse(...authorized);

  const body = await readBody(req);
  if (body === "too large") return refuse("REQUEST_TOO_LARGE", 413, "Request Too Long");
  const integration = operation["x-amazon-apigateway-integration"];
  if (integration?.type === "mock") {
    const answer = integration.responses?.default;
    res.writeHead(
      Number(answer?.statusCode ?? 200),
      mappedHeaders(answer?.responseParameters, "method.response.header.", req),
    );
    res.end();
    return;
  }
  if (!bodyIsValid(options, operation, body)) return refuse("BAD_REQUEST_BODY", 400, "Invalid request body");
  const handler = options.handlers[integration?.uri];
  if (!handler) return refuse("DEFAULT_5XX", 500, "Internal server error");

  const event = proxyEvent(req, { requestId, method, url, route, body, authorizer: authorized.authorizer });
  const context = lambdaContext(
    requestId,
    (integration.timeoutInMillis as number | undefined) ?? API_GATEWAY_INTEGRATION_TIMEOUT_MS,
  );
  if (isStreaming(handler)) return runStreaming(handler, event, context, res);
  const result = await handler(event, context);
  res.writeHead(result.statusCode, result.headers as Record<string, string>);
  res.end(result.body);
}

type Refusal = [code: string, status: number, message: string];

/** The parts of an OpenAPI operation the gateway reads before the integration. */
interface Operation {
  readonly security?: readonly Record<string, unknown>[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: { readonly $ref?: string } }> };
  readonly "x-amazon-apigateway-request-validator"?: string;
}

/**
 * As deployed: the authorizer takes the key from Bearer or x-api-key (none: denied), API Gateway
 * checks it; with consumers, the authorizer's policy allows the OpenAI routes and the consumer's own
 * models' routes, and its usage plan counts the quota. What the handlers get in their context, or why not.
 */
function authorize(
  options: LocalApiOptions,
  req: IncomingMessage,
  path: string,
  operation: Operation,
): { authorizer?: Record<string, string> } | Refusal {
  const needsKey = (operation.security ?? []).some((s) => "api_key" in s);
  if (!needsKey) return {};
  const key = apiKeyOf(req.headers as Record<string, string>);
  if (!key) return ["UNAUTHORIZED", 401, "Unauthorized"];
  if (!options.consumers)
    return options.apiKey && sameKey(key, options.apiKey) ? {} : ["INVALID_API_KEY", 401, "Forbidden"];
  const consumer = options.consumers.find((c) => sameKey(key, c.key));
  if (!consumer) return ["INVALID_API_KEY", 401, "Forbidden"];
  const model = path.split("/")[1];
  if (model !== "v1" && !consumer.models.includes(model)) return ["ACCESS_DENIED", 403, "Forbidden"];
  let usage = usageOf.get(options);
  if (!usage) usageOf.set(options, (usage = new Map()));
  const used = (usage.get(consumer.name) ?? 0) + 1;
  usage.set(consumer.name, used);
  if (consumer.quota !== undefined && used > consumer.quota) return ["QUOTA_EXCEEDED", 429, "Limit Exceeded"];
  return { authorizer: { consumer: consumer.name, models: JSON.stringify(consumer.models) } };
}

/** The request validator: a body the operation's schema refuses never reaches the handler. */
function bodyIsValid(options: LocalApiOptions, operation: Operation, body: Buffer): boolean {
  const ref: string | undefined = operation.requestBody?.content?.["application/json"]?.schema?.$ref;
  if (!operation["x-amazon-apigateway-request-validator"] || !ref) return true;
  const schema = options.document.components.schemas[ref.split("/").pop()!] as object;
  try {
    return modelValidator(schema)(JSON.parse(body.toString("utf8")));
  } catch {
    return false;
  }
}
