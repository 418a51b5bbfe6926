import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { reserveFor, type BudgetHold } from "../lib/budget-gate";
import type { Writable } from "node:stream";
import { HttpError, logDetail } from "../lib/errors";
import { validateGenerateRequest } from "../../contract/validators";
import { corsHeaders } from "../lib/cors";
import { INSUFFICIENT_QUOTA } from "../../contract/errors";
import { log, logFailure } from "../lib/log";
import { allowedModels, checkAccess, consumerOf, routeFor } from "../lib/models";
import { meter } from "../lib/metering";
import { handlerSettings } from "../lib/settings";
import { modelFromPath, readJsonBody, requestIdOf, withClientAttributes } from "../lib/request";
import { SSE_HEADERS, endWith, failureOf, openResponse, watchClient, write, writeError } from "../lib/response-stream";
import { invokeJson, invokeStream } from "../lib/sagemaker";
import { sseEvent } from "../lib/sse";
import { generateStream } from "../lib/backends";
import { generateBody, parseGenerateResponse, type GenerateRequest, type GenerateResult, type StreamToken } from "../lib/backends/tgi";
import { timeLeftMs } from "../lib/timing";
import { holdOf } from "../chat/chat";
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
export const handler = awslambda.streamifyResponse(async (event: APIGatewayProxyEvent, responseStream: Writable, context: Context) => {
  const requestId = requestIdOf(event, context);
  const headers = { "x-request-id": requestId, ...corsHeaders(event.headers) };
  const started = Date.now();
  const model = modelFromPath(event.resource ?? event.path ?? "");
  const client = watchClient(responseStream);
  let out: Writable | undefined;
  let tokens = 0;
  let firstTokenMs: number | undefined;
  const tally: { heldMs?: number } = {};
  let budget: BudgetHold | undefined;
  const usage: { inputTokens?: number; outputTokens?: number; generation: true } = { generation: true };
  try {
    checkAccess(allowedModels(event), model);
    const route = withClientAttributes(routeFor(handlerSettings().models, model), event);
    const request = readJsonBody<GenerateRequest>(event, validateGenerateRequest);
    budget = await reserveFor(
      event,
      { model, route, output: request.parameters?.max_new_tokens },
      { requestId, headers, stop: (e) => client.abort(e), context },
    );

    if (!route.stream) {
      // Serverless endpoints cannot stream: one token event carries the whole answer.
      const result = parseGenerateResponse(await invokeJson(route, generateBody(request, false), timeLeftMs(context), client.signal));
      out = openResponse(responseStream, 200, { ...SSE_HEADERS, ...headers });
      await write(out, sseEvent(JSON.stringify({ text: result.generated_text }), "token"));
      await write(out, sseEvent(JSON.stringify(done(result)), "done"));
      out.end();
      log("info", "stream", { requestId, model, status: 200, buffered: true, latencyMs: Date.now() - started });
      usage.outputTokens = result.generated_tokens;
      const budgetUsedPercent = await budget?.settle(usage, true);
      meter({ model, consumer: consumerOf(event), status: 200, outputTokens: result.generated_tokens, durationMs: Date.now() - started, budgetUsedPercent });
      return;
    }

    // The status goes out with the first token (or when a hold starts): until then, a failure is still an HTTP error.
    const opened = () => (out ??= openResponse(responseStream, 200, { ...SSE_HEADERS, ...headers }));
    const timeoutMs = timeLeftMs(context);
    const deadline = AbortSignal.timeout(timeoutMs);
    const hold = holdOf({ id: requestId, model, cancel: client.signal, tally, timeoutMs, open: opened }, true);
    const parts = await whileWaking(route, hold, () => invokeStream(route, generateBody(request, true), deadline, client.signal));
    const tokensOf = generateStream(route);
    let final: GenerateResult | undefined;
    const emit = async (token: StreamToken) => {
      if (token.text) {
        tokens++;
        firstTokenMs ??= Date.now() - started;
        await write(opened(), sseEvent(JSON.stringify({ text: token.text }), "token"));
      }
      if (token.final) {
        final = token.final;
        usage.inputTokens = final.input_length;
        usage.outputTokens = final.generated_tokens;
      }
    };
    for await (const bytes of parts) for (const token of tokensOf.push(bytes)) await emit(token);
    for (const token of tokensOf.end()) await emit(token);
    if (!final) throw new HttpError(502, "upstream_error", "The model's stream ended before its final event: the answer is incomplete.");
    await write(opened(), sseEvent(JSON.stringify(done(final)), "done"));
    opened().end();
    log("info", "stream", { requestId, model, status: 200, tokens, firstTokenMs, latencyMs: Date.now() - started });
    const budgetUsedPercent = await budget?.settle(usage, true);
    meter({
      budgetUsedPercent,
      model,
      consumer: consumerOf(event),
      status: 200,
      // As the model reported them; a count it did not give is missing, not guessed from the events.
      inputTokens: final.input_length,
      outputTokens: final.generated_tokens,
      generation: true,
      firstTokenMs,
      heldMs: tally.heldMs,
      durationMs: Date.now() - started,
    });
  } catch (err) {
    const error = failureOf(err, client, responseStream);
    logFailure(error.type === "client_closed" ? "stream closed by the client" : "stream failed", error.statusCode, {
      requestId,
      model,
      type: error.type,
      tokens,
      firstTokenMs,
      latencyMs: Date.now() - started,
      detail: logDetail(error),
    });
    const budgetUsedPercent = await budget?.settle(usage, firstTokenMs !== undefined);
    const budgetRefused = error.type === INSUFFICIENT_QUOTA;
    const failed = { status: error.statusCode, firstTokenMs, heldMs: tally.heldMs, budgetUsedPercent, budgetRefused };
    meter({ model, consumer: consumerOf(event), ...failed, durationMs: Date.now() - started });
    if (error.type === "client_closed") responseStream.destroy();
    else if (out) await endWith(out, sseEvent(JSON.stringify(error.toBody()), "error"));
    else writeError(responseStream, error, headers);
  }
});

function done(result: GenerateResult): Record<string, unknown> {
  return {
    generated_text: result.generated_text,
    finish_reason: result.finish_reason ?? "stop",
    ...(result.generated_tokens !== undefined ? { usage: { completion_tokens: result.generated_tokens } } : {}),
  };
}
