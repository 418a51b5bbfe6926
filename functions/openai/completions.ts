import type { APIGatewayProxyEvent } from "aws-lambda";
import { reserveBudget } from "./answer-state";
import type { Writable } from "node:stream";
import { completionRequestSchema, type CompletionBody } from "../../contract/completion-request";
import { validateCompletionRequest } from "../../contract/validators";
import { generateStream } from "../lib/backends";
import { generateBody, parseGenerateResponse, type GenerateRequest, type StreamToken } from "../lib/backends/tgi";
import { HttpError } from "../lib/errors";
import { allowedModels, checkAccess, generationRoute } from "../lib/models";
import { finishReason, generateParameters } from "./lib/openai";
import { checkStop } from "./lib/chat-checks";
import { readJsonBody, withClientAttributes } from "../lib/request";
import { SSE_HEADERS, finish, openResponse, send, writeJson } from "../lib/response-stream";
import { invokeJson, invokeStream } from "../lib/sagemaker";
import { handlerSettings } from "../lib/settings";
import { timeLeftMs } from "../lib/timing";
import type { AnswerState, Tally } from "./answer-state";
import { fitted, holdOf } from "./chat";
import { withinContext } from "./lib/output-budget";
import { whileWaking } from "../lib/hold";

const refuse = (field: string, why: string) => new HttpError(400, "unsupported_parameter", `${field}: ${why}`, field);

/** The prompt as one string: OpenAI takes a string or a list; one prompt per request here. */
function promptOf(prompt: unknown): string {
  if (typeof prompt === "string") return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string") return prompt[0];
  throw new HttpError(400, "invalid_request", "prompt must be a string (or a list holding one string).", "prompt");
}

/** OpenAI's legacy completion as the generate API takes it; fields only OpenAI's own models honour are refused by name. */
export function generateRequestOf(body: CompletionBody): GenerateRequest {
  if (body.echo) throw refuse("echo", "the generate API does not return the prompt with the answer.");
  if (body.suffix !== undefined && body.suffix !== null)
    throw refuse("suffix", "no model here fills in between a prompt and a suffix.");
  if (body.logprobs !== undefined && body.logprobs !== null && body.logprobs !== 0)
    throw refuse("logprobs", "use /v1/chat/completions with logprobs.");
  const stop: unknown = body.stop;
  checkStop(stop);
  // OpenAI's default for this route is 16 tokens.
  const parameters = generateParameters({ ...body, stop, max_tokens: body.max_tokens ?? 16 });
  return { inputs: promptOf(body.prompt), parameters } as GenerateRequest;
}

const completionObject = (id: string, model: string, text: string, finish: string | null) => ({
  id,
  object: "text_completion",
  created: Math.floor(Date.now() / 1000),
  model,
  choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
});

/** POST /v1/completions on the model's generate API, buffered or streamed. */
export async function textCompletion(event: APIGatewayProxyEvent, session: AnswerState): Promise<void> {
  const body = readJsonBody<CompletionBody>(event, validateCompletionRequest, { schema: completionRequestSchema });
  const request = generateRequestOf(body);
  const model = (session.model = body.model);
  session.stream = Boolean(body.stream);
  session.tally.generation = true;
  checkAccess(allowedModels(event), model);
  const route = withClientAttributes(generationRoute(handlerSettings().models, model), event);
  await reserveBudget(event, session, { model, route }, request.parameters?.max_new_tokens);
  const id = `cmpl-${session.requestId}`;
  const timeoutMs = timeLeftMs(session.context);
  const out = () => (session.out ??= openResponse(session.responseStream, 200, { ...SSE_HEADERS, ...session.headers }));
  const call = { id, model, cancel: session.cancel, tally: session.tally, timeoutMs, open: out };
  if (!body.stream || !route.stream) {
    const result = parseGenerateResponse(
      await whileWaking(route, holdOf(call, false), () =>
        withinContext(
          generateBody(request, false),
          (b) => invokeJson(route, b, timeoutMs, session.cancel),
          fitted(call),
        ),
      ),
    );
    session.tally.outputTokens = result.generated_tokens;
    // No usage: the generate API counts generated tokens but not the prompt's.
    const answer = completionObject(id, model, result.generated_text, finishReason(result.finish_reason));
    if (!body.stream) return writeJson(session.responseStream, 200, answer, session.headers);
    // The endpoint cannot stream (serverless): the whole answer arrives as one chunk.
    await send(out(), answer);
    return finish(out());
  }
  // The status goes out with the first chunk (or when a hold starts): a model silent or failing before it is still an HTTP error.
  const deadline = AbortSignal.timeout(timeoutMs);
  const parts = await whileWaking(route, holdOf(call, true), () =>
    withinContext(generateBody(request, true), (b) => invokeStream(route, b, deadline, session.cancel), fitted(call)),
  );
  await relay(out, parts, generateStream(route), session.tally, (text, final) =>
    completionObject(id, model, text, final ? finishReason(final.finish_reason) : null),
  );
  await finish(out());
}

async function relay(
  out: () => Writable,
  parts: AsyncIterable<Uint8Array>,
  tokens: { push(b: Uint8Array): StreamToken[]; end(): StreamToken[] },
  tally: Tally,
  shape: (text: string, final?: StreamToken["final"]) => unknown,
): Promise<void> {
  let final: StreamToken["final"];
  const each = async (token: StreamToken) => {
    if (token.text) {
      tally.firstTokenMs ??= Date.now() - tally.started;
      await send(out(), shape(token.text));
    }
    if (token.final) final = token.final;
  };
  for await (const bytes of parts) for (const t of tokens.push(bytes)) await each(t);
  for (const t of tokens.end()) await each(t);
  // An answer cut short is an error, never a success.
  if (!final)
    throw new HttpError(
      502,
      "upstream_error",
      "The model's stream ended before its final token: the answer is incomplete.",
    );
  tally.outputTokens = final.generated_tokens;
  tally.inputTokens = final.input_length;
  await send(out(), shape("", final));
}
