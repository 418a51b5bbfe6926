import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SseDecoder } from "../functions/lib/sse";
import { payloadPart, streamException } from "./emulator/event-stream";
import { ROUTE, STREAM_HEADERS, writeModelError, writeRuntimeError } from "./emulator/runtime-wire";
import type { JsonObject } from "../contract/json";

/**
 * A SageMaker runtime in front of a model server the user runs (TGI, vLLM or
 * any OpenAI-compatible server): the handlers keep calling InvokeEndpoint, and
 * this turns each call into the server's OpenAI routes. Chat payloads go to
 * /v1/chat/completions as they are; generate payloads ({inputs, parameters})
 * go to /v1/completions and come back in TGI's shapes.
 */
export interface Bridge {
  readonly url: string;
  readonly upstreamModel: string;
  stop(): Promise<void>;
}

type Json = JsonObject;

/** The served model's id: vLLM needs it in every request; TGI ignores it. */
async function upstreamModelId(base: string): Promise<string> {
  try {
    const res = await fetch(`${base}/v1/models`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { data?: { id?: string }[] };
    return body.data?.[0]?.id ?? "tgi";
  } catch {
    return "tgi";
  }
}

/** TGI generate parameters as an OpenAI completion request. */
export function completionRequest(body: Json, model: string, stream: boolean): Json {
  const p: Json = body.parameters ?? {};
  const request: Json = { model, prompt: body.inputs, max_tokens: p.max_new_tokens ?? 256, stream };
  for (const key of ["temperature", "top_p", "seed", "frequency_penalty", "stop"])
    if (p[key] !== undefined) request[key] = p[key];
  if (p.do_sample === false) request.temperature = 0;
  if (stream) request.stream_options = { include_usage: true };
  return request;
}

const tgiFinish = (openai: string | null | undefined) => (openai === "length" ? "length" : "eos_token");

/** As the deployed stack allows a streamed call at most: API Gateway's 15 minutes. */
const UPSTREAM_TIMEOUT_MS = 900_000;

/** A connection that failed (refused, reset, DNS), as opposed to an answer that made no sense. */
const unreachable = (err: Error) => err.name === "TypeError" && /fetch failed/.test(err.message);

/** The most of an error body that is read: the handlers pass on 2 KB of it and log 8 KB. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** SageMaker's limit on a real-time endpoint's response payload (6 MB). */
export const MAX_ANSWER_BYTES = 6 * 1024 * 1024;

/**
 * A body read up to `limit` bytes; past that the read is cancelled, which drops the connection, so the
 * server stops sending. `cut` decides what a longer body gives: its start, or an error.
 */
export async function readCapped(answer: Response, limit: number, cut: "keep-start" | "refuse"): Promise<string> {
  const reader = answer.body?.getReader();
  if (!reader) return "";
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    parts.push(r.value);
    size += r.value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      if (cut === "refuse")
        throw new Error(`The model server's answer is larger than ${limit} bytes, SageMaker's limit.`);
      return Buffer.concat(parts).subarray(0, limit).toString("utf8");
    }
  }
  return Buffer.concat(parts).toString("utf8");
}

export async function startBridge(upstream: string): Promise<Bridge> {
  const base = upstream.replace(/\/+$/, "");
  const model = await upstreamModelId(base);

  const server: Server = createServer((req, res) => {
    // The handler leaving (its client gone, or its deadline) cancels the call to the model server.
    const upstreamCall = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) upstreamCall.abort();
    });
    bridgeCall(
      req,
      res,
      { base, model },
      AbortSignal.any([upstreamCall.signal, AbortSignal.timeout(UPSTREAM_TIMEOUT_MS)]),
    ).catch((err: Error) => {
      upstreamCall.abort();
      failure(res, err);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstreamModel: model,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A call that failed, told as SageMaker tells it. */
function failure(res: ServerResponse, err: Error): void {
  if (res.destroyed) return;
  // Once the stream has started its status is sent: the failure becomes the stream's error event.
  if (res.headersSent)
    return void res.end(
      streamException("ModelStreamError", {
        Message: `Model server failed midway: ${err.message}`,
        ErrorCode: "ModelStreamError",
      }),
    );
  // A refused or reset connection is the endpoint failing (502 to the client), as SageMaker's InternalFailure.
  if (unreachable(err))
    writeRuntimeError(res, 500, "InternalFailure", { Message: `Model server unreachable: ${err.message}` });
  else
    writeModelError(res, 502, JSON.stringify({ error: `The model server's answer could not be read: ${err.message}` }));
}

/** One InvokeEndpoint(WithResponseStream) call, made to the model server's OpenAI API. */
async function bridgeCall(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: { base: string; model: string },
  signal: AbortSignal,
): Promise<void> {
  const match = ROUTE.exec(req.url ?? "");
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (req.method !== "POST" || !match)
    return writeRuntimeError(res, 404, "UnknownOperationException", { message: "Unknown operation" });
  const stream = match[2] === "invocations-response-stream";
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json;
  const chat = Array.isArray(body.messages);
  const target = chat ? `${upstream.base}/v1/chat/completions` : `${upstream.base}/v1/completions`;
  const payload = chat ? { ...body, model: upstream.model, stream } : completionRequest(body, upstream.model, stream);
  const answer = await fetch(target, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
    signal,
  });
  if (!answer.ok)
    return writeModelError(res, answer.status, await readCapped(answer, MAX_ERROR_BODY_BYTES, "keep-start"));
  if (!stream) return bufferedAnswer(res, answer, chat);
  res.writeHead(200, STREAM_HEADERS);
  if (!chat) return relayCompletions(res, answer);
  // Already the shape the chat handler reads: pass the bytes on as they come.
  const reader = answer.body!.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read())
    await new Promise<void>((resolve) => res.write(payloadPart(r.value), () => resolve()));
  res.end();
}

/** A buffered answer: chat as it is, a completion as TGI's generate answer. */
async function bufferedAnswer(res: ServerResponse, answer: Response, chat: boolean): Promise<void> {
  const json = JSON.parse(await readCapped(answer, MAX_ANSWER_BYTES, "refuse")) as Json;
  const choice = json.choices?.[0];
  const details = { finish_reason: tgiFinish(choice?.finish_reason), generated_tokens: json.usage?.completion_tokens };
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(chat ? json : [{ generated_text: choice?.text ?? "", details }]));
}

/** OpenAI completion chunks to TGI generate-stream events. */
async function relayCompletions(res: ServerResponse, answer: Response): Promise<void> {
  const send = (text: string) =>
    new Promise<void>((resolve) => res.write(payloadPart(Buffer.from(text)), () => resolve()));
  const reader = answer.body!.getReader();
  const decoder = new SseDecoder();
  let text = "";
  let finish: string | undefined;
  let tokens: number | undefined;
  const relay = async (data: string) => {
    if (data.trim() === "[DONE]") return;
    const event = JSON.parse(data) as Json;
    const choice = event.choices?.[0];
    if (event.usage?.completion_tokens !== undefined) tokens = event.usage.completion_tokens;
    if (choice?.finish_reason) finish = choice.finish_reason;
    if (choice?.text !== undefined && choice.text !== null && typeof choice.text !== "string")
      throw new Error("a completion chunk's text is not text");
    if (choice?.text) {
      text += choice.text;
      await send(
        `data:${JSON.stringify({ token: { text: choice.text, special: false }, generated_text: null, details: null })}\n\n`,
      );
    }
  };
  for (let r = await reader.read(); !r.done; r = await reader.read())
    for (const data of decoder.push(r.value)) await relay(data);
  for (const data of decoder.end()) await relay(data);
  // Without the server's finish reason the answer was cut short: no final event, so the handler says so.
  if (finish) {
    const details = { finish_reason: tgiFinish(finish), generated_tokens: tokens };
    await send(`data:${JSON.stringify({ token: { text: "", special: true }, generated_text: text, details })}\n\n`);
  }
  res.end();
}
