import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import { endpointMap, runtime } from "../lib/client";
import { HttpError, fromSageMakerError, jsonResponse, toHttpResponse } from "../lib/errors";
import { MAX_INPUT_CHARS } from "../lib/generate-request";
import { log } from "../lib/log";

const endpoints = endpointMap();
/** Leave time to answer before Lambda's own timeout cuts the request off. */
const ANSWER_MARGIN_MS = 1000;

/** POST /{model}/invoke: a TGI generate call, answered as {generated_text}. */
export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId ?? context.awsRequestId;
  const started = Date.now();
  const model = modelFromPath(event.resource ?? event.path ?? "");
  try {
    const endpoint = endpoints[model];
    if (!endpoint) throw new HttpError(404, "model_not_found", `No model named "${model}".`);
    const body = parseGenerateRequest(event.body, event.isBase64Encoded);
    const output = await runtime.send(
      new InvokeEndpointCommand({ EndpointName: endpoint, ContentType: "application/json", Accept: "application/json", Body: JSON.stringify(body) }),
      { abortSignal: AbortSignal.timeout(Math.max(1000, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS)) },
    );
    const result = generatedText(Buffer.from(output.Body ?? new Uint8Array()).toString("utf8"));
    log("info", "invoke", { requestId, model, status: 200, latencyMs: Date.now() - started });
    return jsonResponse(200, result, requestId);
  } catch (err) {
    const httpError = err instanceof HttpError ? err : fromSageMakerError(err);
    log(httpError.statusCode >= 500 ? "error" : "warn", "invoke failed", {
      requestId,
      model,
      status: httpError.statusCode,
      type: httpError.type,
      cause: err instanceof HttpError ? undefined : (err as Error)?.name,
      latencyMs: Date.now() - started,
    });
    return toHttpResponse(httpError, requestId);
  }
}

/** "/mistral-7b/invoke" -> "mistral-7b". */
export function modelFromPath(path: string): string {
  return path.split("/").filter(Boolean)[0] ?? "";
}

export function parseGenerateRequest(raw: string | null, base64 = false): { inputs: string; parameters?: Record<string, unknown> } {
  if (!raw) throw new HttpError(400, "invalid_request", "The body must be JSON: {\"inputs\": \"...\"}.");
  let body: unknown;
  try {
    body = JSON.parse(base64 ? Buffer.from(raw, "base64").toString("utf8") : raw);
  } catch {
    throw new HttpError(400, "invalid_json", "The body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "invalid_request", "The body must be a JSON object.");
  const { inputs, parameters } = body as Record<string, unknown>;
  if (typeof inputs !== "string" || inputs.length === 0) throw new HttpError(400, "invalid_request", "inputs must be a non-empty string.", "inputs");
  if (inputs.length > MAX_INPUT_CHARS) throw new HttpError(413, "input_too_large", `inputs is longer than ${MAX_INPUT_CHARS} characters.`, "inputs");
  if (parameters !== undefined && (typeof parameters !== "object" || parameters === null || Array.isArray(parameters))) {
    throw new HttpError(400, "invalid_request", "parameters must be an object.", "parameters");
  }
  return parameters === undefined ? { inputs } : { inputs, parameters: parameters as Record<string, unknown> };
}

/** TGI and the Hugging Face toolkit answer [{generated_text}]; other containers pass through. */
export function generatedText(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(502, "upstream_error", "The model answered with something other than JSON.");
  }
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (first && typeof first === "object" && typeof (first as { generated_text?: unknown }).generated_text === "string") {
    return { generated_text: (first as { generated_text: string }).generated_text };
  }
  return parsed;
}
