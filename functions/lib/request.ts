import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { HttpError, echo } from "./errors";
import type { ModelRoute } from "../../contract/routes";
import type { CompiledValidator } from "../../contract/validators";
import { problemOf, withoutNulls } from "./validate";

/** Larger bodies are refused before parsing; prompts are limited in tokens by the model itself. */
export const MAX_BODY_BYTES = 512 * 1024;
/**
 * For embedding batches (up to 2,048 inputs) and images in chat: Lambda takes 6 MB per invocation,
 * and API Gateway's event carries the body as a JSON string, escaped, beside its headers.
 */
export const MAX_LARGE_BODY_BYTES = 4 * 1024 * 1024;

export function requestIdOf(event: APIGatewayProxyEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId;
}

/** "/mistral-7b/invoke" -> "mistral-7b". */
export function modelFromPath(path: string): string {
  return path.split("/").filter(Boolean)[0] ?? "";
}

/** A field the API does not take is refused by name, not silently dropped (the schemas leave additionalProperties out for API Gateway). */
function refuseUnknownFields(body: object, schema: { readonly properties?: object }): void {
  const unsupported = Object.keys(body).filter((k) => !Object.hasOwn(schema.properties ?? {}, k));
  if (unsupported.length === 0) return;
  const named =
    unsupported.slice(0, 5).map(echo).join(", ") +
    (unsupported.length > 5 ? ` and ${unsupported.length - 5} more` : "");
  throw new HttpError(
    400,
    "unsupported_parameter",
    `Unsupported parameter${unsupported.length > 1 ? "s" : ""}: ${named}.`,
    echo(unsupported[0]),
  );
}

/**
 * The JSON body, checked for size, syntax and schema; every failure is a 4xx naming the problem.
 * With the schema (the OpenAI routes), the nulls it allows are dropped (see withoutNulls) and a
 * top-level field it does not name is refused by name.
 */
export function readJsonBody<T>(
  event: Pick<APIGatewayProxyEvent, "body" | "isBase64Encoded">,
  validator: CompiledValidator,
  options: { readonly schema?: Parameters<typeof withoutNulls>[0]; readonly maxBytes?: number } = {},
): T {
  const { schema, maxBytes = MAX_BODY_BYTES } = options;
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, "base64")
      : Buffer.from(event.body, "utf8")
    : undefined;
  if (!raw || raw.length === 0) throw new HttpError(400, "invalid_request", "The body must be a JSON object.");
  if (raw.length > maxBytes)
    throw new HttpError(413, "request_too_large", `The body is ${raw.length} bytes; the limit is ${maxBytes}.`);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "invalid_json", "The body is not valid JSON.");
  }
  const problem = problemOf(validator, body);
  if (problem) throw new HttpError(400, "invalid_request", problem.message, problem.field);
  if (!schema) return body as T;
  refuseUnknownFields(body as object, schema);
  return withoutNulls(schema, body) as T;
}

/** SageMaker's header for model-specific options (e.g. accept_eula=true), passed from the client to the model. */
export const CUSTOM_ATTRIBUTES_HEADER = "x-amzn-sagemaker-custom-attributes";

/** The route with the client's custom attributes, if it sent any, over the model's configured ones. */
export function withClientAttributes(route: ModelRoute, event: Pick<APIGatewayProxyEvent, "headers">): ModelRoute {
  const sent = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === CUSTOM_ATTRIBUTES_HEADER,
  )?.[1];
  return sent ? { ...route, customAttributes: sent } : route;
}
