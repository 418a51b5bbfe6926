import type { APIGatewayProxyEvent } from "aws-lambda";
import { embeddingRequestSchema, type EmbeddingBody } from "../../contract/embedding-request";
import { validateEmbeddingRequest } from "../../contract/validators";
import { HttpError } from "../lib/errors";
import { refuseUnknownFields } from "../lib/chat-checks";
import { allowedModels, checkAccess, embeddingRoute } from "../lib/models";
import { readJsonBody, withClientAttributes } from "../lib/request";
import { writeJson } from "../lib/response-stream";
import { invokeJson } from "../lib/sagemaker";
import { handlerSettings } from "../lib/settings";
import { timeLeftMs } from "../lib/timing";
import type { Session } from "./index";

/** Text Embeddings Inference takes up to this many inputs per request by default (max-client-batch-size). */
const MAX_INPUTS = 32;

/** OpenAI's input as TEI takes it: a string or a list of strings; token arrays are refused, TEI tokenizes itself. */
function inputsOf(input: unknown): string | string[] {
  if (typeof input === "string" && input.length > 0) return input;
  if (Array.isArray(input) && input.length > 0 && input.length <= MAX_INPUTS && input.every((s) => typeof s === "string" && s.length > 0)) return input;
  throw new HttpError(
    400,
    "invalid_request",
    `input must be a non-empty string or a list of 1 to ${MAX_INPUTS} non-empty strings (token arrays are not taken).`,
    "input",
  );
}

/** OpenAI's base64 encoding: the floats as little-endian float32 bytes. */
const base64Of = (vector: readonly number[]) => Buffer.from(new Float32Array(vector).buffer).toString("base64");

const isVectors = (value: unknown, count: number): value is number[][] =>
  Array.isArray(value) && value.length === count && value.every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number"));

/**
 * POST /v1/embeddings on a TEI endpoint, whose /invocations is TEI's /embed: {inputs} in, a list of
 * vectors out. No usage: SageMaker passes on TEI's body only, and the token counts are in its headers.
 */
export async function embeddings(event: APIGatewayProxyEvent, session: Session): Promise<void> {
  const body = readJsonBody<EmbeddingBody>(event, validateEmbeddingRequest, embeddingRequestSchema);
  refuseUnknownFields(body, embeddingRequestSchema);
  session.model = body.model;
  const inputs = inputsOf(body.input);
  if (body.dimensions !== undefined)
    throw new HttpError(400, "unsupported_parameter", "dimensions: the model returns vectors of its own size; leave dimensions out.", "dimensions");
  const allowed = allowedModels(event);
  checkAccess(allowed, body.model);
  const route = withClientAttributes(embeddingRoute(handlerSettings().models, body.model, allowed), event);
  const answer = JSON.parse(await invokeJson(route, { inputs }, timeLeftMs(session.context), session.cancel)) as unknown;
  const count = typeof inputs === "string" ? 1 : inputs.length;
  if (!isVectors(answer, count)) throw new HttpError(502, "upstream_error", `The model's answer is not ${count} embedding vector(s).`);
  const base64 = body.encoding_format === "base64";
  writeJson(
    session.responseStream,
    200,
    {
      object: "list",
      model: body.model,
      data: answer.map((vector, index) => ({ object: "embedding", index, embedding: base64 ? base64Of(vector) : vector })),
    },
    session.headers,
  );
}
