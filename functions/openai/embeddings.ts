import type { APIGatewayProxyEvent } from "aws-lambda";
import { reserveBudget } from "./answer-state";
import { embeddingRequestSchema, type EmbeddingBody } from "../../contract/embedding-request";
import { validateEmbeddingRequest } from "../../contract/validators";
import { HttpError } from "../lib/errors";
import { allowedModels, checkAccess, embeddingRoute } from "../lib/models";
import { MAX_LARGE_BODY_BYTES, readJsonBody, withClientAttributes } from "../lib/request";
import { writeJson } from "../lib/response-stream";
import { invokeJson } from "../lib/sagemaker";
import { whileWaking } from "../lib/hold";
import { holdOf } from "./chat";
import { handlerSettings } from "../lib/settings";
import { timeLeftMs } from "../lib/timing";
import { inBatches } from "./lib/batches";
import type { AnswerState } from "./answer-state";

/** OpenAI's limit of inputs per request, which the AI SDK sends by default (LangChain sends 512). */
export const MAX_INPUTS = 2048;
/** Text Embeddings Inference takes up to this many inputs per call by default (--max-client-batch-size): a larger request is split. */
export const BACKEND_BATCH = 32;
/** Calls in flight for one request: enough to keep TEI's queue fed, few enough to stay under its concurrency limit (512 by default). */
export const BATCH_CONCURRENCY = 4;

/** OpenAI's input as TEI takes it: a string or a list of strings; token arrays are refused, TEI tokenizes itself. */
function inputsOf(input: unknown): string[] {
  if (typeof input === "string" && input.length > 0) return [input];
  if (
    Array.isArray(input) &&
    input.length > 0 &&
    input.length <= MAX_INPUTS &&
    input.every((s) => typeof s === "string" && s.length > 0)
  )
    return input;
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
  Array.isArray(value) &&
  value.length === count &&
  value.every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number"));

/**
 * POST /v1/embeddings on a TEI endpoint, whose /invocations is TEI's /embed: {inputs} in, a list of
 * vectors out. No usage: SageMaker passes on TEI's body only, and the token counts are in its headers.
 * A batch larger than TEI takes is split and answered in order (bench: embedding batches).
 */
export async function embeddings(event: APIGatewayProxyEvent, session: AnswerState): Promise<void> {
  const body = readJsonBody<EmbeddingBody>(event, validateEmbeddingRequest, {
    schema: embeddingRequestSchema,
    maxBytes: MAX_LARGE_BODY_BYTES,
  });
  session.model = body.model;
  const inputs = inputsOf(body.input);
  if (body.dimensions !== undefined)
    throw new HttpError(
      400,
      "unsupported_parameter",
      "dimensions: the model returns vectors of its own size; leave dimensions out.",
      "dimensions",
    );
  const allowed = allowedModels(event);
  checkAccess(allowed, body.model);
  const route = withClientAttributes(embeddingRoute(handlerSettings().models, body.model, allowed), event);
  await reserveBudget(event, session, { model: body.model, route }, undefined);
  const timeoutMs = timeLeftMs(session.context);
  const deadline = Date.now() + timeoutMs;
  const call = { id: session.requestId, model: body.model, cancel: session.cancel, tally: session.tally, timeoutMs };
  // In order, BACKEND_BATCH inputs per call, BATCH_CONCURRENCY calls at a time; the first failure cancels the rest.
  // A model waking from zero copies refuses the first batch: the whole request is held and tried again.
  const vectors = await whileWaking(route, holdOf(call, false), () =>
    inBatches(inputs, BACKEND_BATCH, BATCH_CONCURRENCY, async (batch, failed) => {
      const answer = JSON.parse(
        await invokeJson(
          route,
          { inputs: batch },
          Math.max(1, deadline - Date.now()),
          AbortSignal.any([session.cancel, failed]),
        ),
      ) as unknown;
      if (!isVectors(answer, batch.length))
        throw new HttpError(502, "upstream_error", `The model's answer is not ${batch.length} embedding vector(s).`);
      return answer;
    }),
  );
  const base64 = body.encoding_format === "base64";
  writeJson(
    session.responseStream,
    200,
    {
      object: "list",
      model: body.model,
      data: vectors.map((vector, index) => ({
        object: "embedding",
        index,
        embedding: base64 ? base64Of(vector) : vector,
      })),
    },
    session.headers,
  );
}
