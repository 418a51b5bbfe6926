import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import type { Writable } from "node:stream";
import { HttpError, echo, logDetail, notText } from "../lib/errors";
import { chatRequestSchema, type ChatCompletionBody, type ChatRequest } from "../../contract/chat-request";
import { validateChatRequest } from "../../contract/validators";
import { COMPLETIONS_PATH, EMBEDDINGS_PATH } from "../../contract/routes";
import { embeddings } from "./embeddings";
import { textCompletion } from "./completions";
import { corsHeaders } from "../lib/cors";
import { log, logFailure } from "../lib/log";
import { allowedModels, chatRoute, checkAccess, consumerOf, type ModelRoute } from "../lib/models";
import { meter } from "../lib/metering";
import { handlerSettings } from "../lib/settings";
import { argumentsText, chunk, completion, finishReason, modelList, promptRequest, toolCallsOf, type ToolCallOut, type Usage } from "../lib/openai";
import { checkBackendSupports, checkChatRequest } from "../lib/chat-checks";
import { chatBody } from "../lib/chat-backend";
import { readJsonBody, requestIdOf, withClientAttributes } from "../lib/request";
import { SSE_HEADERS, failureOf, finish, openResponse, send, watchClient, write, writeError, writeJson } from "../lib/response-stream";
import { invokeJson, invokeStream } from "../lib/sagemaker";
import { chatStream, generateStream } from "../lib/backends";
import { generateBody, parseGenerateResponse, type StreamToken } from "../lib/backends/tgi";
import { timeLeftMs } from "../lib/timing";
import type { JsonObject } from "../../contract/json";

interface Call {
  readonly id: string;
  readonly model: string;
  readonly route: ModelRoute;
  readonly request: ChatRequest;
  readonly timeoutMs: number;
  /** Aborted when the client leaves. */
  readonly cancel: AbortSignal;
  /** What the answer used, for the request's metrics. */
  readonly tally: Tally;
}

/** Tokens as the model reported them, and when the first one went out. */
export interface Tally {
  inputTokens?: number;
  outputTokens?: number;
  firstTokenMs?: number;
  readonly started: number;
}

/** One request of the OpenAI function, as far as answering it (or its failure) goes. */
export interface Session {
  readonly requestId: string;
  readonly headers: Record<string, string>;
  readonly responseStream: Writable;
  readonly context: Context;
  /** Aborted when the client leaves. */
  readonly cancel: AbortSignal;
  model?: string;
  stream?: boolean;
  /** The answer's stream, once its status is sent. */
  out?: Writable;
  readonly tally: Tally;
}

/** Delta fields a client reads as text (vLLM adds reasoning_content): anything else is refused, not passed on. */
const TEXT_FIELDS = ["role", "content", "reasoning_content", "refusal"] as const;

const incomplete = () => new HttpError(502, "upstream_error", "The model's stream ended before its final chunk: the answer is incomplete.");

/** GET /v1/models and POST /v1/chat/completions, as OpenAI clients expect them. */
export const handler = awslambda.streamifyResponse(async (event: APIGatewayProxyEvent, responseStream: Writable, context: Context) => {
  const requestId = requestIdOf(event, context);
  const headers = { "x-request-id": requestId, ...corsHeaders(event.headers) };
  const started = Date.now();
  const client = watchClient(responseStream);
  // What the catch below needs to answer a failure: the model, and the stream once it is open.
  const session: Session = { requestId, headers, responseStream, context, cancel: client.signal, tally: { started } };
  try {
    if (event.httpMethod === "GET") {
      // A consumer's key sees its own models only.
      const allowed = allowedModels(event);
      const names = Object.keys(handlerSettings().models).filter((m) => !allowed || allowed.has(m));
      const wanted = event.pathParameters?.model;
      if (wanted === undefined) return writeJson(responseStream, 200, modelList(names), headers);
      if (!names.includes(wanted))
        throw new HttpError(404, "model_not_found", `The model "${echo(wanted)}" does not exist or this key may not use it.`, "model");
      return writeJson(responseStream, 200, modelList([wanted]).data[0], headers);
    }
    const path = event.resource ?? event.path ?? "";
    const route = path.endsWith(COMPLETIONS_PATH) ? "completion" : path.endsWith(EMBEDDINGS_PATH) ? "embeddings" : "chat";
    await { completion: textCompletion, embeddings, chat: chatCompletion }[route](event, session);
    log("info", route, { requestId, model: session.model, status: 200, stream: session.stream, latencyMs: Date.now() - started });
    meterSession(session, event, 200);
  } catch (err) {
    const error = failureOf(err, client, responseStream);
    logFailure(error.type === "client_closed" ? "chat closed by the client" : "chat failed", error.statusCode, {
      requestId,
      model: session.model,
      type: error.type,
      latencyMs: Date.now() - started,
      detail: logDetail(error),
    });
    meterSession(session, event, error.statusCode);
    if (error.type === "client_closed") return void responseStream.destroy();
    const out = session.out;
    if (!out) return writeError(responseStream, error, headers);
    try {
      // OpenAI clients read a mid-stream error as a data event with an error object.
      await write(out, `data: ${JSON.stringify(error.toBody())}\n\n`);
    } catch {
      // the client is gone
    } finally {
      out.end();
    }
  }
});

async function chatCompletion(event: APIGatewayProxyEvent, session: Session): Promise<void> {
  const body = readJsonBody<ChatCompletionBody>(event, validateChatRequest, chatRequestSchema);
  const request = checkChatRequest(body);
  session.model = request.model;
  session.stream = Boolean(request.stream);
  checkAccess(allowedModels(event), request.model);
  const route = withClientAttributes(chatRoute(handlerSettings().models, request.model), event);
  checkBackendSupports(request, route, request.model);
  const call: Call = {
    id: `chatcmpl-${session.requestId}`,
    model: request.model,
    route,
    request,
    timeoutMs: timeLeftMs(session.context),
    cancel: session.cancel,
    tally: session.tally,
  };
  const { responseStream, headers } = session;
  if (!request.stream) {
    writeJson(responseStream, 200, await answer(call), headers);
  } else if (!call.route.stream) {
    // The endpoint cannot stream (serverless): the whole answer arrives as one chunk.
    const whole = (await answer(call)) as { choices: { message: { content: string | null; tool_calls?: ToolCallOut[] }; finish_reason: string }[] };
    const { content, tool_calls } = whole.choices[0].message;
    const out = (session.out = openResponse(responseStream, 200, { ...SSE_HEADERS, ...headers }));
    const calls = tool_calls?.map((c, index) => ({ index, ...c }));
    await send(out, chunk(call.id, call.model, { role: "assistant", content, ...(calls ? { tool_calls: calls } : {}) }, null));
    await send(out, chunk(call.id, call.model, {}, whole.choices[0].finish_reason));
    await finish(out);
  } else {
    const parts = await startStream(call);
    // The status goes out with the first chunk: a model silent or failing before it is still an HTTP error.
    const out = () => (session.out ??= openResponse(responseStream, 200, { ...SSE_HEADERS, ...headers }));
    await (call.route.chat === "messages" ? relayChatStream : relayGenerateStream)(call, parts, out);
    await finish(out());
  }
}

/** A buffered chat completion. */
async function answer(call: Call): Promise<Record<string, unknown>> {
  if (call.route.chat === "messages") {
    const backend = JSON.parse(await invokeJson(call.route, chatBody(call.route, call.request, false), call.timeoutMs, call.cancel)) as {
      choices?: { message?: { content?: string | null; tool_calls?: unknown }; finish_reason?: string; logprobs?: unknown }[];
      usage?: Usage;
    };
    const choice = backend.choices?.[0];
    const calls = toolCallsOf(choice?.message?.tool_calls, (i) => `call_${call.id}_${i}`);
    const content = choice?.message?.content;
    if (!calls && typeof content !== "string") throw new HttpError(502, "upstream_error", "The model's answer has no message.");
    const finish = calls ? "tool_calls" : finishReason(choice?.finish_reason);
    call.tally.inputTokens = backend.usage?.prompt_tokens;
    call.tally.outputTokens = backend.usage?.completion_tokens;
    return completion(call.id, call.model, typeof content === "string" ? content : null, finish, backend.usage, {
      tool_calls: calls,
      logprobs: choice?.logprobs,
    });
  }
  const result = parseGenerateResponse(await invokeJson(call.route, generateBody(promptRequest(call.request), false), call.timeoutMs, call.cancel));
  call.tally.outputTokens = result.generated_tokens;
  return completion(call.id, call.model, result.generated_text, finishReason(result.finish_reason));
}

function startStream(call: Call): Promise<AsyncIterable<Uint8Array>> {
  const body = call.route.chat === "messages" ? chatBody(call.route, call.request, true) : generateBody(promptRequest(call.request), true);
  return invokeStream(call.route, body, AbortSignal.timeout(call.timeoutMs), call.cancel);
}

type ToolCallDelta = { index?: number; function?: { name?: unknown; arguments?: unknown } };

/**
 * TGI's and vLLM's chat streams are already OpenAI-shaped: pass them on under this API's id and model
 * name. Tool-call deltas get this API's call id and the type on their first delta only, and their
 * arguments as text; a stream that called a tool finishes with "tool_calls".
 */
async function relayChatStream(call: Call, parts: AsyncIterable<Uint8Array>, out: () => Writable): Promise<void> {
  const chunks = chatStream(call.route);
  let finished = false;
  const started = new Set<number>();
  const toolDelta = (d: ToolCallDelta) => {
    const index = d.index ?? 0;
    const args = argumentsText(d.function?.arguments);
    if (started.has(index)) return { index, function: { arguments: args } };
    started.add(index);
    return { index, id: `call_${call.id}_${index}`, type: "function", function: { name: String(d.function?.name ?? ""), arguments: args } };
  };
  const relay = async (chunkObject: JsonObject) => {
    const event = chunkObject as {
      choices?: { delta?: Record<string, unknown> & { tool_calls?: ToolCallDelta[] }; finish_reason?: string | null; logprobs?: unknown }[];
      usage?: Usage;
      error?: string;
    };
    if (typeof event.error === "string") throw new HttpError(502, "model_error", `The model failed while generating: ${event.error}`);
    const choice = event.choices?.[0];
    const wantUsage = call.request.stream_options?.include_usage === true;
    if (event.usage) {
      call.tally.inputTokens = event.usage.prompt_tokens;
      call.tally.outputTokens = event.usage.completion_tokens;
    }
    if (choice) call.tally.firstTokenMs ??= Date.now() - call.tally.started;
    if (!choice) {
      if (event.usage && wantUsage) await send(out(), { ...chunk(call.id, call.model, {}, null, event.usage), choices: [] });
      return;
    }
    if (choice.finish_reason) finished = true;
    const { tool_calls, ...delta } = choice.delta ?? {};
    for (const key of TEXT_FIELDS) if (delta[key] !== undefined && delta[key] !== null && typeof delta[key] !== "string") throw notText(`a delta's ${key}`);
    if (Array.isArray(tool_calls)) delta.tool_calls = tool_calls.map(toolDelta);
    const finish = choice.finish_reason ? (started.size > 0 ? "tool_calls" : finishReason(choice.finish_reason)) : null;
    await send(out(), chunk(call.id, call.model, delta, finish, wantUsage ? event.usage : undefined, choice.logprobs ?? null));
  };
  for await (const bytes of parts) for (const c of chunks.push(bytes)) await relay(c);
  for (const c of chunks.end()) await relay(c);
  if (!finished) throw incomplete();
}

/** A prompt-mode model streams generate tokens: each becomes an OpenAI delta. */
async function relayGenerateStream(call: Call, parts: AsyncIterable<Uint8Array>, out: () => Writable): Promise<void> {
  const tokens = generateStream(call.route);
  let first = true;
  let final: StreamToken["final"];
  const relay = async (token: StreamToken) => {
    if (token.text) {
      call.tally.firstTokenMs ??= Date.now() - call.tally.started;
      await send(out(), chunk(call.id, call.model, first ? { role: "assistant", content: token.text } : { content: token.text }, null));
      first = false;
    }
    if (token.final) final = token.final;
  };
  for await (const bytes of parts) for (const t of tokens.push(bytes)) await relay(t);
  for (const t of tokens.end()) await relay(t);
  if (!final) throw incomplete();
  call.tally.outputTokens = final.generated_tokens;
  await send(out(), chunk(call.id, call.model, {}, finishReason(final.finish_reason)));
}

/** The request's metrics, with the tokens the model reported. */
function meterSession(session: Session, event: APIGatewayProxyEvent, status: number): void {
  const { inputTokens, outputTokens, firstTokenMs, started } = session.tally;
  meter({ model: session.model, consumer: consumerOf(event), status, inputTokens, outputTokens, firstTokenMs, durationMs: Date.now() - started });
}
