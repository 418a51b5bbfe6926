import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import type { Writable } from "node:stream";
import { HttpError, logDetail } from "../lib/errors";
import type { ChatCompletionBody, ChatRequest } from "../../contract/chat-request";
import { validateChatRequest } from "../../contract/validators";
import { corsHeaders } from "../lib/cors";
import { log, logFailure } from "../lib/log";
import { routeFor, type ModelRoute } from "../lib/models";
import { handlerSettings } from "../lib/settings";
import { checkChatRequest, chunk, completion, finishReason, modelList, promptRequest, tgiChatBody, type Usage } from "../lib/openai";
import { readJsonBody, requestIdOf } from "../lib/request";
import { SSE_HEADERS, failureOf, openResponse, watchClient, write, writeError, writeJson } from "../lib/response-stream";
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
}

const incomplete = () => new HttpError(502, "upstream_error", "The model's stream ended before its final chunk: the answer is incomplete.");

/** GET /v1/models and POST /v1/chat/completions, as OpenAI clients expect them. */
export const handler = awslambda.streamifyResponse(async (event: APIGatewayProxyEvent, responseStream: Writable, context: Context) => {
  const requestId = requestIdOf(event, context);
  const headers = { "x-request-id": requestId, ...corsHeaders(event.headers) };
  const started = Date.now();
  const client = watchClient(responseStream);
  let model: string | undefined;
  let out: Writable | undefined;
  try {
    if (event.httpMethod === "GET") {
      writeJson(responseStream, 200, modelList(Object.keys(handlerSettings().models)), headers);
      return;
    }
    const body = readJsonBody<ChatCompletionBody>(event, validateChatRequest);
    const request = checkChatRequest(body);
    model = request.model;
    const call: Call = {
      id: `chatcmpl-${requestId}`,
      model: request.model,
      route: routeFor(handlerSettings().models, request.model),
      request,
      timeoutMs: timeLeftMs(context),
      cancel: client.signal,
    };

    if (!request.stream) {
      writeJson(responseStream, 200, await answer(call), headers);
    } else if (!call.route.stream) {
      // The endpoint cannot stream (serverless): the whole answer arrives as one chunk.
      const whole = (await answer(call)) as { choices: { message: { content: string }; finish_reason: string }[]; usage?: Usage };
      out = openResponse(responseStream, 200, { ...SSE_HEADERS, ...headers });
      await send(out, chunk(call.id, call.model, { role: "assistant", content: whole.choices[0].message.content }, null));
      await send(out, chunk(call.id, call.model, {}, whole.choices[0].finish_reason));
      await finish(out);
    } else {
      const parts = await startStream(call);
      out = openResponse(responseStream, 200, { ...SSE_HEADERS, ...headers });
      await (call.route.chat === "messages" ? relayChatStream : relayGenerateStream)(call, parts, out);
      await finish(out);
    }
    log("info", "chat", { requestId, model, status: 200, stream: Boolean(request.stream), latencyMs: Date.now() - started });
  } catch (err) {
    const error = failureOf(err, client, responseStream);
    logFailure(error.type === "client_closed" ? "chat closed by the client" : "chat failed", error.statusCode, {
      requestId,
      model,
      type: error.type,
      latencyMs: Date.now() - started,
      detail: logDetail(error),
    });
    if (error.type === "client_closed") return void responseStream.destroy();
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

/** A buffered chat completion. */
async function answer(call: Call): Promise<Record<string, unknown>> {
  if (call.route.chat === "messages") {
    const tgi = JSON.parse(await invokeJson(call.route.endpoint, tgiChatBody(call.request, false), call.timeoutMs, call.cancel)) as {
      choices?: { message?: { content?: string }; finish_reason?: string }[];
      usage?: Usage;
    };
    const choice = tgi.choices?.[0];
    if (typeof choice?.message?.content !== "string") throw new HttpError(502, "upstream_error", "The model's answer has no message.");
    return completion(call.id, call.model, choice.message.content, finishReason(choice.finish_reason), tgi.usage);
  }
  const result = parseGenerateResponse(await invokeJson(call.route.endpoint, generateBody(promptRequest(call.request), false), call.timeoutMs, call.cancel));
  return completion(call.id, call.model, result.generated_text, finishReason(result.finish_reason));
}

function startStream(call: Call): Promise<AsyncIterable<Uint8Array>> {
  const body = call.route.chat === "messages" ? tgiChatBody(call.request, true) : generateBody(promptRequest(call.request), true);
  return invokeStream(call.route.endpoint, body, AbortSignal.timeout(call.timeoutMs), call.cancel);
}

/** TGI's chat stream is already OpenAI-shaped: pass it on under this API's id and model name. */
async function relayChatStream(call: Call, parts: AsyncIterable<Uint8Array>, out: Writable): Promise<void> {
  const chunks = chatStream(call.route);
  let finished = false;
  const relay = async (chunkObject: JsonObject) => {
    const event = chunkObject as { choices?: { delta?: Record<string, string>; finish_reason?: string | null }[]; usage?: Usage; error?: string };
    if (typeof event.error === "string") throw new HttpError(502, "model_error", `The model failed while generating: ${event.error}`);
    const choice = event.choices?.[0];
    const wantUsage = call.request.stream_options?.include_usage === true;
    if (!choice) {
      if (event.usage && wantUsage) await send(out, { ...chunk(call.id, call.model, {}, null, event.usage), choices: [] });
      return;
    }
    if (choice.finish_reason) finished = true;
    await send(
      out,
      chunk(call.id, call.model, choice.delta ?? {}, choice.finish_reason ? finishReason(choice.finish_reason) : null, wantUsage ? event.usage : undefined),
    );
  };
  for await (const bytes of parts) for (const c of chunks.push(bytes)) await relay(c);
  for (const c of chunks.end()) await relay(c);
  if (!finished) throw incomplete();
}

/** A prompt-mode model streams generate tokens: each becomes an OpenAI delta. */
async function relayGenerateStream(call: Call, parts: AsyncIterable<Uint8Array>, out: Writable): Promise<void> {
  const tokens = generateStream(call.route);
  let first = true;
  let final: StreamToken["final"];
  const relay = async (token: StreamToken) => {
    if (token.text) {
      await send(out, chunk(call.id, call.model, first ? { role: "assistant", content: token.text } : { content: token.text }, null));
      first = false;
    }
    if (token.final) final = token.final;
  };
  for await (const bytes of parts) for (const t of tokens.push(bytes)) await relay(t);
  for (const t of tokens.end()) await relay(t);
  if (!final) throw incomplete();
  await send(out, chunk(call.id, call.model, {}, finishReason(final.finish_reason)));
}

const send = (out: Writable, body: unknown) => write(out, `data: ${JSON.stringify(body)}\n\n`);

async function finish(out: Writable): Promise<void> {
  await write(out, "data: [DONE]\n\n");
  out.end();
}
