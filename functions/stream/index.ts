import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { reserveFor, type BudgetHold } from "../lib/budget-gate";
import type { Writable } from "node:stream";
import { HttpError, logDetail } from "../lib/errors";
import { validateGenerateRequest } from "../../contract/validators";
import { corsHeaders } from "../lib/cors";
import { requestFailed, requestSucceeded, type RequestRecord } from "../lib/telemetry";
import { allowedModels, checkAccess, routeFor, type ModelRoute } from "../lib/models";
import { handlerSettings } from "../lib/settings";
import { modelFromPath, readJsonBody, requestIdOf, withClientAttributes } from "../lib/request";
import { SSE_HEADERS, endWith, failureOf, openResponse, watchClient, write, writeError } from "../lib/response-stream";
import { invokeJson, invokeStream } from "../lib/sagemaker";
import { sseEvent } from "../lib/sse";
import { generateStream } from "../lib/backends";
import {
  generateBody,
  parseGenerateResponse,
  type GenerateRequest,
  type GenerateResult,
  type StreamToken,
} from "../lib/backends/tgi";
import { timeLeftMs } from "../lib/timing";
import { holdOf } from "../openai/chat";
import { whileWaking } from "../lib/hold";

/**
 * POST /{model}/stream: Server-Sent Events of tokens.
 *   event: token  data: {"text": "..."}
 *   event: done   data: {"generated_text": "...", "finish_reason": "...", "usage": {...}}
 *   event: error  data: {"error": {"type": "...", "message": "..."}}   (then the stream closes)
 * A refusal before the first token is an ordinary HTTP error with a JSON body. A stream that ends
 * without the model's final event is an error event, never a `done`. A client that leaves cancels
 * the model call.
 */
export const handler = awslambda.streamifyResponse(
  async (event: APIGatewayProxyEvent, responseStream: Writable, context: Context) => {
    const requestId = requestIdOf(event, context);
    const call: StreamCall = {
      event,
      context,
      responseStream,
      requestId,
      headers: { "x-request-id": requestId, ...corsHeaders(event.headers) },
      started: Date.now(),
      model: modelFromPath(event.resource ?? event.path ?? ""),
      client: watchClient(responseStream),
      tokens: 0,
      tally: {},
      usage: { generation: true },
    };
    try {
      checkAccess(allowedModels(event), call.model);
      const route = withClientAttributes(routeFor(handlerSettings().models, call.model), event);
      const request = readJsonBody<GenerateRequest>(event, validateGenerateRequest);
      const output = request.parameters?.max_new_tokens;
      call.budget = await reserveFor(
        event,
        { model: call.model, route, output },
        { ...call, stop: (e) => call.client.abort(e) },
      );
      // Serverless endpoints cannot stream: one token event carries the whole answer.
      await (route.stream ? streamTokens : answerWhole)(call, route, request);
      await succeeded(call, !route.stream);
    } catch (err) {
      await failed(call, err);
    }
  },
);

/** One /stream request, as far as answering it, metering it and settling its budget go. */
interface StreamCall {
  readonly event: APIGatewayProxyEvent;
  readonly context: Context;
  readonly responseStream: Writable;
  readonly requestId: string;
  readonly headers: Record<string, string>;
  readonly started: number;
  readonly model: string;
  /** Aborted when the client leaves (or the budget's lease is lost). */
  readonly client: AbortController;
  /** The event stream, once its 200 went out. */
  out?: Writable;
  tokens: number;
  firstTokenMs?: number;
  readonly tally: { heldMs?: number };
  budget?: BudgetHold;
  /** As the model reported them; a count it did not give is missing, not guessed from the events. */
  readonly usage: { inputTokens?: number; outputTokens?: number; generation: true };
}

const opened = (call: StreamCall): Writable =>
  (call.out ??= openResponse(call.responseStream, 200, { ...SSE_HEADERS, ...call.headers }));

/** A model that cannot stream: its whole answer as one token event, then done. */
async function answerWhole(call: StreamCall, route: ModelRoute, request: GenerateRequest): Promise<void> {
  const result = parseGenerateResponse(
    await invokeJson(route, generateBody(request, false), timeLeftMs(call.context), call.client.signal),
  );
  await write(opened(call), sseEvent(JSON.stringify({ text: result.generated_text }), "token"));
  await write(opened(call), sseEvent(JSON.stringify(done(result)), "done"));
  call.out!.end();
  call.usage.outputTokens = result.generated_tokens;
}

/** The model's tokens as they come; the status goes out with the first (or when a hold starts): until then, a failure is still an HTTP error. */
async function streamTokens(call: StreamCall, route: ModelRoute, request: GenerateRequest): Promise<void> {
  const timeoutMs = timeLeftMs(call.context);
  const deadline = AbortSignal.timeout(timeoutMs);
  const hold = holdOf(
    {
      id: call.requestId,
      model: call.model,
      cancel: call.client.signal,
      tally: call.tally,
      timeoutMs,
      open: () => opened(call),
    },
    true,
  );
  const parts = await whileWaking(route, hold, () =>
    invokeStream(route, generateBody(request, true), deadline, call.client.signal),
  );
  const tokensOf = generateStream(route);
  let final: GenerateResult | undefined;
  const emit = async (token: StreamToken) => {
    if (token.text) {
      call.tokens++;
      call.firstTokenMs ??= Date.now() - call.started;
      await write(opened(call), sseEvent(JSON.stringify({ text: token.text }), "token"));
    }
    if (token.final) {
      final = token.final;
      call.usage.inputTokens = final.input_length;
      call.usage.outputTokens = final.generated_tokens;
    }
  };
  for await (const bytes of parts) for (const token of tokensOf.push(bytes)) await emit(token);
  for (const token of tokensOf.end()) await emit(token);
  if (!final)
    throw new HttpError(
      502,
      "upstream_error",
      "The model's stream ended before its final event: the answer is incomplete.",
    );
  await write(opened(call), sseEvent(JSON.stringify(done(final)), "done"));
  opened(call).end();
}

const recordOf = (call: StreamCall): RequestRecord => ({
  name: "stream",
  event: call.event,
  requestId: call.requestId,
  model: call.model,
  started: call.started,
});

async function succeeded(call: StreamCall, buffered: boolean): Promise<void> {
  const { tokens, firstTokenMs } = call;
  const budgetUsedPercent = await call.budget?.settle(call.usage, true);
  const reported = buffered
    ? { outputTokens: call.usage.outputTokens }
    : { ...call.usage, firstTokenMs, heldMs: call.tally.heldMs };
  requestSucceeded(recordOf(call), buffered ? { buffered } : { tokens, firstTokenMs }, {
    ...reported,
    budgetUsedPercent,
  });
}

async function failed(call: StreamCall, err: unknown): Promise<void> {
  const { tokens, firstTokenMs, responseStream } = call;
  const error = failureOf(err, call.client, responseStream);
  const budgetUsedPercent = await call.budget?.settle(call.usage, firstTokenMs !== undefined);
  requestFailed(
    recordOf(call),
    error,
    { tokens, firstTokenMs, detail: logDetail(error) },
    { firstTokenMs, heldMs: call.tally.heldMs, budgetUsedPercent },
  );
  if (error.type === "client_closed") responseStream.destroy();
  else if (call.out) await endWith(call.out, sseEvent(JSON.stringify(error.toBody()), "error"));
  else writeError(responseStream, error, call.headers);
}

function done(result: GenerateResult): Record<string, unknown> {
  return {
    generated_text: result.generated_text,
    finish_reason: result.finish_reason ?? "stop",
    ...(result.generated_tokens !== undefined ? { usage: { completion_tokens: result.generated_tokens } } : {}),
  };
}
