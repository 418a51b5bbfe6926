import type { APIGatewayProxyEvent } from "aws-lambda";
import { reserveBudget } from "./answer-state";
import { outputBudgetOf } from "../lib/budget-gate";
import { HttpError, notText } from "../lib/errors";
import { chatRequestSchema, type ChatCompletionBody, type ChatRequest } from "../../contract/chat-request";
import { validateChatRequest } from "../../contract/validators";
import { allowedModels, chatRoute, checkAccess, type ModelRoute } from "../lib/models";
import { handlerSettings } from "../lib/settings";
import {
  argumentsText,
  chunk,
  completion,
  finishReason,
  promptRequest,
  toolCallsOf,
  type ToolCallOut,
  type Usage,
} from "./lib/openai";
import { checkBackendSupports, checkChatRequest } from "./lib/chat-checks";
import { chatBody } from "./lib/chat-backend";
import { MAX_LARGE_BODY_BYTES, readJsonBody, withClientAttributes } from "../lib/request";
import { SSE_HEADERS, finish, openResponse, send, writeJson } from "../lib/response-stream";
import { invokeJson, invokeStream } from "../lib/sagemaker";
import { chatStream, generateStream } from "../lib/backends";
import { generateBody, parseGenerateResponse, type StreamToken } from "../lib/backends/tgi";
import { timeLeftMs } from "../lib/timing";
import type { JsonObject } from "../../contract/json";
import type { AnswerState, Tally } from "./answer-state";
import type { Writable } from "node:stream";
import { holdMsWithin, streamHold, whileWaking, type Hold } from "../lib/hold";
import { withinContext } from "./lib/output-budget";
import { log } from "../lib/log";
import { BUFFERED_HOLD_SECONDS, DEFAULT_WAKE_HOLD_SECONDS } from "../../contract/wake";

/** One chat call to a model: what /v1/chat/completions and /v1/responses both run. */
export interface Call {
  readonly id: string;
  readonly model: string;
  readonly route: ModelRoute;
  readonly request: ChatRequest;
  readonly timeoutMs: number;
  /** Aborted when the client leaves. */
  readonly cancel: AbortSignal;
  /** What the answer used, for the request's metrics. */
  readonly tally: Tally;
  /** Opens the answer's event stream (a streamed request), so a hold can commit its 200 while the model wakes. */
  readonly open?: () => Writable;
}

/**
 * How a call is held while its model wakes from zero copies: a stream as long as the hold the stack
 * set, with its 200 and comment lines going out meanwhile; a buffered answer silently, within the
 * wait for response headers that clients allow.
 */
export function holdOf(
  call: Pick<Call, "id" | "model" | "timeoutMs" | "open"> & {
    readonly cancel?: AbortSignal;
    readonly tally?: { heldMs?: number };
  },
  stream: boolean,
): Hold {
  const base = { model: call.model, requestId: call.id, cancel: call.cancel, tally: call.tally };
  const seconds = handlerSettings().wake?.holdSeconds ?? DEFAULT_WAKE_HOLD_SECONDS;
  if (stream && call.open)
    return streamHold({ ...base, holdMs: holdMsWithin(seconds, call.timeoutMs), open: call.open });
  return { ...base, holdMs: holdMsWithin(Math.min(BUFFERED_HOLD_SECONDS, seconds), call.timeoutMs) };
}

/** Logs a budget the model could not take, and the one it got instead. */
export const fitted =
  (call: Pick<Call, "id" | "model">) =>
  (asked: number, fits: number): void =>
    log("info", "output budget fitted", {
      requestId: call.id,
      model: call.model,
      askedTokens: asked,
      fittedTokens: fits,
    });

/** A chat.completion as this API answers it. */
export interface ChatCompletion {
  readonly id: string;
  readonly model: string;
  readonly choices: readonly {
    readonly message: { readonly content: string | null; readonly tool_calls?: readonly ToolCallOut[] };
    readonly finish_reason: string;
    readonly logprobs?: unknown;
  }[];
  readonly usage?: Usage;
}

/** Receives each chat.completion.chunk of a streamed answer, in order. */
export type ChunkSink = (chunk: Record<string, unknown>) => Promise<void>;

/** Delta fields a client reads as text (vLLM adds reasoning_content): anything else is refused, not passed on. */
const TEXT_FIELDS = ["role", "content", "reasoning_content", "refusal"] as const;

const incomplete = () =>
  new HttpError(502, "upstream_error", "The model's stream ended before its final chunk: the answer is incomplete.");

/** The models that take images, of those the key may use. */
const visionModelsOf = (routes: Readonly<Record<string, ModelRoute>>, allowed?: ReadonlySet<string>) =>
  Object.keys(routes).filter((m) => routes[m].vision && (!allowed || allowed.has(m)));

/** The call for a checked chat request: the key may use the model, and its backend can honour the request. */
export function chatCall(event: APIGatewayProxyEvent, session: AnswerState, request: ChatRequest, id: string): Call {
  session.model = request.model;
  session.stream = Boolean(request.stream);
  checkAccess(allowedModels(event), request.model);
  const route = withClientAttributes(chatRoute(handlerSettings().models, request.model), event);
  const routes = handlerSettings().models;
  checkBackendSupports(request, route, request.model, visionModelsOf(routes, allowedModels(event)));
  session.tally.generation = true;
  return {
    id,
    model: request.model,
    route,
    request,
    timeoutMs: timeLeftMs(session.context),
    cancel: session.cancel,
    tally: session.tally,
  };
}

/** POST /v1/chat/completions, buffered or streamed. */
export async function chatCompletion(event: APIGatewayProxyEvent, session: AnswerState): Promise<void> {
  const body = readJsonBody<ChatCompletionBody>(event, validateChatRequest, {
    schema: chatRequestSchema,
    maxBytes: MAX_LARGE_BODY_BYTES,
  });
  const request = checkChatRequest(body);
  const out = () => (session.out ??= openResponse(session.responseStream, 200, { ...SSE_HEADERS, ...session.headers }));
  const call = { ...chatCall(event, session, request, `chatcmpl-${session.requestId}`), open: out };
  await reserveBudget(event, session, call, outputBudgetOf(body));
  if (!request.stream) return writeJson(session.responseStream, 200, await answer(call), session.headers);
  // The status goes out with the first chunk (or when a hold starts): a model silent or failing before it is still an HTTP error.
  await streamChunks(call, (c) => send(out(), c));
  await finish(out());
}

/** A buffered chat completion. */
export async function answer(call: Call): Promise<ChatCompletion> {
  // Held while the model wakes; a budget too large for the prompt is fitted (output-budget.ts).
  const invoke = (body: Record<string, unknown>) =>
    whileWaking(call.route, holdOf(call, false), () =>
      withinContext(body, (b) => invokeJson(call.route, b, call.timeoutMs, call.cancel), fitted(call)),
    );
  if (call.route.chat === "messages") {
    const backend = JSON.parse(await invoke(chatBody(call.route, call.request, false))) as {
      choices?: {
        message?: { content?: string | null; tool_calls?: unknown };
        finish_reason?: string;
        logprobs?: unknown;
      }[];
      usage?: Usage;
    };
    const choice = backend.choices?.[0];
    const calls = toolCallsOf(choice?.message?.tool_calls, (i) => `call_${call.id}_${i}`);
    const content = choice?.message?.content;
    if (!calls && typeof content !== "string")
      throw new HttpError(502, "upstream_error", "The model's answer has no message.");
    const finish = calls ? "tool_calls" : finishReason(choice?.finish_reason);
    call.tally.inputTokens = backend.usage?.prompt_tokens;
    call.tally.outputTokens = backend.usage?.completion_tokens;
    return completion(call.id, call.model, typeof content === "string" ? content : null, finish, backend.usage, {
      tool_calls: calls,
      logprobs: choice?.logprobs,
    }) as unknown as ChatCompletion;
  }
  const result = parseGenerateResponse(await invoke(generateBody(promptRequest(call.request), false)));
  call.tally.outputTokens = result.generated_tokens;
  return completion(
    call.id,
    call.model,
    result.generated_text,
    finishReason(result.finish_reason),
  ) as unknown as ChatCompletion;
}

/**
 * The answer as chat.completion.chunk objects, the last with its finish_reason; a stream cut short
 * throws. An endpoint that cannot stream (serverless) gives its whole answer as one chunk.
 */
export async function streamChunks(call: Call, emit: ChunkSink): Promise<void> {
  if (!call.route.stream) {
    const whole = await answer(call);
    const { content, tool_calls } = whole.choices[0].message;
    const calls = tool_calls?.map((c, index) => ({ index, ...c }));
    await emit(
      chunk(call.id, call.model, { role: "assistant", content, ...(calls ? { tool_calls: calls } : {}) }, null),
    );
    return emit(chunk(call.id, call.model, {}, whole.choices[0].finish_reason));
  }
  const body =
    call.route.chat === "messages"
      ? chatBody(call.route, call.request, true)
      : generateBody(promptRequest(call.request), true);
  const deadline = AbortSignal.timeout(call.timeoutMs);
  const parts = await whileWaking(call.route, holdOf(call, true), () =>
    withinContext(body, (b) => invokeStream(call.route, b, deadline, call.cancel), fitted(call)),
  );
  await (call.route.chat === "messages" ? relayChatStream : relayGenerateStream)(call, parts, emit);
}

type ToolCallDelta = { index?: number; function?: { name?: unknown; arguments?: unknown } };

/**
 * TGI's and vLLM's chat streams are already OpenAI-shaped: pass them on under this API's id and model
 * name. Tool-call deltas get this API's call id and the type on their first delta only, and their
 * arguments as text; a stream that called a tool finishes with "tool_calls".
 */
async function relayChatStream(call: Call, parts: AsyncIterable<Uint8Array>, emit: ChunkSink): Promise<void> {
  const chunks = chatStream(call.route);
  let finished = false;
  const started = new Set<number>();
  const toolDelta = (d: ToolCallDelta) => {
    const index = d.index ?? 0;
    const args = argumentsText(d.function?.arguments);
    if (started.has(index)) return { index, function: { arguments: args } };
    started.add(index);
    return {
      index,
      id: `call_${call.id}_${index}`,
      type: "function",
      function: { name: String(d.function?.name ?? ""), arguments: args },
    };
  };
  const relay = async (chunkObject: JsonObject) => {
    const event = chunkObject as {
      choices?: {
        delta?: Record<string, unknown> & { tool_calls?: ToolCallDelta[] };
        finish_reason?: string | null;
        logprobs?: unknown;
      }[];
      usage?: Usage;
      error?: string;
    };
    if (typeof event.error === "string")
      throw new HttpError(502, "model_error", `The model failed while generating: ${event.error}`);
    const choice = event.choices?.[0];
    const wantUsage = call.request.stream_options?.include_usage === true;
    if (event.usage) {
      call.tally.inputTokens = event.usage.prompt_tokens;
      call.tally.outputTokens = event.usage.completion_tokens;
    }
    if (choice) call.tally.firstTokenMs ??= Date.now() - call.tally.started;
    if (!choice) {
      if (event.usage && wantUsage) await emit({ ...chunk(call.id, call.model, {}, null, event.usage), choices: [] });
      return;
    }
    if (choice.finish_reason) finished = true;
    const { tool_calls, ...delta } = choice.delta ?? {};
    for (const key of TEXT_FIELDS)
      if (delta[key] !== undefined && delta[key] !== null && typeof delta[key] !== "string")
        throw notText(`a delta's ${key}`);
    if (Array.isArray(tool_calls)) delta.tool_calls = tool_calls.map(toolDelta);
    const finish = choice.finish_reason ? (started.size > 0 ? "tool_calls" : finishReason(choice.finish_reason)) : null;
    await emit(chunk(call.id, call.model, delta, finish, wantUsage ? event.usage : undefined, choice.logprobs ?? null));
  };
  for await (const bytes of parts) for (const c of chunks.push(bytes)) await relay(c);
  for (const c of chunks.end()) await relay(c);
  if (!finished) throw incomplete();
}

/** A prompt-mode model streams generate tokens: each becomes an OpenAI delta. */
async function relayGenerateStream(call: Call, parts: AsyncIterable<Uint8Array>, emit: ChunkSink): Promise<void> {
  const tokens = generateStream(call.route);
  let first = true;
  let final: StreamToken["final"];
  const relay = async (token: StreamToken) => {
    if (token.text) {
      call.tally.firstTokenMs ??= Date.now() - call.tally.started;
      await emit(
        chunk(call.id, call.model, first ? { role: "assistant", content: token.text } : { content: token.text }, null),
      );
      first = false;
    }
    if (token.final) final = token.final;
  };
  for await (const bytes of parts) for (const t of tokens.push(bytes)) await relay(t);
  for (const t of tokens.end()) await relay(t);
  if (!final) throw incomplete();
  call.tally.outputTokens = final.generated_tokens;
  call.tally.inputTokens = final.input_length;
  await emit(chunk(call.id, call.model, {}, finishReason(final.finish_reason)));
}
