import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buffered, errorEvent, streamEvents, type ServerFormat } from "./serving-container";
import { payloadPart, streamException } from "./event-stream";
import { ROUTE, STREAM_HEADERS, writeModelError, writeRuntimeError } from "./runtime-wire";
import type { JsonObject } from "../../contract/json";
import { contextRefusal, withinContext } from "./context-limit";
import { VARIANT_NAME } from "../../reference/aws-limits";
import {
  ALARM_WAKE_AFTER_MS,
  NO_CAPACITY_MESSAGE,
  RECORDED_CALLS,
  type Behaviour,
  type CancelledCall,
  type RecordedCall,
  type WakeCall,
} from "./behaviour";

export { ALARM_WAKE_AFTER_MS, NO_CAPACITY_MESSAGE, RECORDED_CALLS } from "./behaviour";
export type { Behaviour, CancelledCall, RecordedCall, WakeCall } from "./behaviour";

/**
 * A local SageMaker runtime: InvokeEndpoint and InvokeEndpointWithResponseStream
 * on the real REST paths, errors as the restJson1 protocol sends them, streams in
 * AWS event-stream framing. Point the real SDK at it with an endpoint override.
 */
export class SageMakerEmulator {
  /** Ends pending delays on stop, so a stalled answer keeps no timer alive; every pending delay listens to it. */
  private readonly stopping = (() => {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    return controller;
  })();
  readonly calls: RecordedCall[] = [];
  readonly cancelled: CancelledCall[] = [];
  /** Streams being written now. */
  openStreams = 0;
  /** performance.now() when each stream's first token left the emulator, in call order. */
  readonly firstTokenSentAt: number[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  /** Per model that scaled to zero: when it was first refused, and when a copy was asked for. */
  private readonly waking = new Map<string, { refusedAt: number; askedAt?: number }>();
  /** Every UpdateInferenceComponentRuntimeConfig that asked for a copy, in order. */
  readonly wakeCalls: WakeCall[] = [];
  /** The endpoint each component was called on (the control plane names components only). */
  private readonly endpointOf = new Map<string, string>();
  private server?: Server;

  constructor(
    private readonly endpoints: readonly string[],
    /** How every endpoint behaves until told otherwise (the local server adds a token delay). */
    private readonly defaults: Behaviour = {},
    /** The container each endpoint plays: LMI (vLLM) or TEI where named; TGI otherwise. */
    private readonly formats: Readonly<Record<string, ServerFormat>> = {},
    /** Each model's context in tokens, where it has one (contextsOf): a budget past it is refused as its server refuses it. */
    private readonly contexts: Readonly<Record<string, number>> = {},
  ) {}

  private formatOf(model: string): ServerFormat {
    return Object.hasOwn(this.formats, model) ? this.formats[model] : "tgi";
  }

  /** Sets how one endpoint behaves from now on; {} restores a healthy model. */
  behave(endpoint: string, behaviour: Behaviour): void {
    this.behaviours.set(endpoint, behaviour);
    for (const [model, at] of this.endpointOf) if (at === endpoint) this.waking.delete(model);
    this.waking.delete(endpoint);
  }

  /** True while a model that scaled to zero has no copy yet: none asked for, or one asked for but not up. */
  private asleep(model: string, zero: Behaviour["zeroCopies"]): boolean {
    if (!zero) return false;
    const now = performance.now();
    const state = this.waking.get(model) ?? { refusedAt: now };
    this.waking.set(model, state);
    const started = Math.min(state.askedAt ?? Infinity, state.refusedAt + (zero.alarmAfterMs ?? ALARM_WAKE_AFTER_MS));
    return now < started + zero.wakeAfterMs;
  }

  /** Copies SageMaker wants of a component now: none until asked for (or the alarm acted), then one. */
  private desiredCopies(component: string): number {
    const endpoint = this.endpointOf.get(component);
    const zero = endpoint ? (this.behaviours.get(endpoint) ?? this.defaults).zeroCopies : undefined;
    const state = this.waking.get(component);
    if (!zero || !state) return zero ? 0 : 1;
    return state.askedAt !== undefined ||
      performance.now() >= state.refusedAt + (zero.alarmAfterMs ?? ALARM_WAKE_AFTER_MS)
      ? 1
      : 0;
  }

  /** SageMaker's control plane, for the two calls the handlers make to wake a component (JSON 1.1). */
  private control(res: ServerResponse, operation: string, body: JsonObject): void {
    const component = String(body.InferenceComponentName ?? "");
    if (!this.endpointOf.has(component))
      return this.error(res, 400, "ValidationException", {
        message: `Could not find inference component "${component}".`,
      });
    if (operation === "DescribeInferenceComponent") {
      const copies = this.desiredCopies(component);
      return void res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(
        JSON.stringify({
          InferenceComponentName: component,
          RuntimeConfig: { DesiredCopyCount: copies, CurrentCopyCount: 0 },
          InferenceComponentStatus: "InService",
        }),
      );
    }
    if (operation === "UpdateInferenceComponentRuntimeConfig") {
      keepRecent(this.wakeCalls, { component, at: performance.now() });
      const state = this.waking.get(component) ?? { refusedAt: performance.now() };
      state.askedAt ??= performance.now();
      this.waking.set(component, state);
      return void res
        .writeHead(200, { "content-type": "application/x-amz-json-1.1" })
        .end(JSON.stringify({ InferenceComponentArn: component }));
    }
    this.error(res, 400, "UnknownOperationException", { message: operation });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Open connections to the emulator (callers that left must leave none behind). */
  connections(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server ? this.server.getConnections((err, n) => (err ? reject(err) : resolve(n))) : resolve(0),
    );
  }

  private sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = ROUTE.exec(req.url ?? "");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = req.headers["x-amz-target"];
    if (req.method === "POST" && req.url === "/" && typeof target === "string" && target.startsWith("SageMaker."))
      return this.control(
        res,
        target.slice("SageMaker.".length),
        JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"),
      );
    if (req.method !== "POST" || !match)
      return this.error(res, 404, "UnknownOperationException", { message: "Unknown operation" });
    const endpoint = decodeURIComponent(match[1]);
    // The model called: the inference component named in the call, else the endpoint's one model.
    const component = req.headers["x-amzn-sagemaker-inference-component"];
    const model = typeof component === "string" ? component : endpoint;
    if (typeof component === "string") this.endpointOf.set(component, endpoint);
    const stream = match[2] === "invocations-response-stream";
    let body: JsonObject;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return this.modelError(res, 400, "Failed to deserialize the JSON body");
    }
    keepRecent(this.calls, { endpoint, stream, body, headers: req.headers });
    if (!this.endpoints.includes(endpoint)) {
      return this.error(res, 400, "ValidationError", {
        Message: `Endpoint ${endpoint} of account 123456789012 not found.`,
      });
    }
    const b = this.behaviours.get(endpoint) ?? this.defaults;
    if (b.reset) return void req.socket.destroy();
    if (b.stallMs) await this.sleep(b.stallMs);
    if (res.destroyed) return;
    if (this.asleep(model, b.zeroCopies))
      return this.error(res, 400, "ValidationError", { Message: NO_CAPACITY_MESSAGE });
    if (b.throttle) return this.error(res, 400, "ThrottlingException", { message: "Rate exceeded" });
    if (b.notReady) return this.error(res, 429, "ModelNotReadyException", { Message: "Model is not ready" });
    if (b.unavailable) return this.error(res, 503, "ServiceUnavailable", { Message: "Service unavailable" });
    if (b.modelStatus) return this.modelError(res, b.modelStatus, b.modelMessage ?? "model failure");
    // TEI answers buffered calls only.
    if (stream && this.formatOf(model) === "tei")
      return this.modelError(res, 400, "Streaming is not supported for embeddings");
    const context = Object.hasOwn(this.contexts, model) ? this.contexts[model] : undefined;
    const refusal = contextRefusal(body, this.formatOf(model), context);
    if (refusal) return writeModelError(res, refusal.status, refusal.body);
    const run = withinContext(body, context);
    if (!stream) {
      res.writeHead(200, { "content-type": "application/json", "x-amzn-invoked-production-variant": VARIANT_NAME });
      res.end(JSON.stringify(buffered(run, this.formatOf(model))));
      return;
    }
    await this.streamAnswer(res, run, b, this.formatOf(model));
  }

  private async streamAnswer(res: ServerResponse, body: JsonObject, b: Behaviour, format: ServerFormat): Promise<void> {
    res.writeHead(200, STREAM_HEADERS);
    let sent = 0;
    this.openStreams++;
    res.once("close", () => {
      this.openStreams--;
      // The caller left: stop generating, as a model server does when its client goes.
      if (!res.writableFinished) keepRecent(this.cancelled, { body, at: performance.now(), tokens: sent });
    });
    const send = (frame: Buffer) =>
      new Promise<void>((resolve) => (res.destroyed ? resolve() : res.write(frame, () => resolve())));
    let events = streamEvents(body, format);
    if (b.cutAfterTokens !== undefined) events = events.slice(0, b.cutAfterTokens);
    // An endless model repeats its first (never final) token.
    const count = b.endless ? Infinity : events.length;
    for (let i = 0; i < count && !res.destroyed; i++) {
      const delay = i === 0 ? b.firstTokenDelayMs : b.tokenDelayMs;
      if (delay) await this.sleep(delay);
      let bytes = Buffer.from(events[b.endless ? 0 : i], "utf8");
      if (b.invalidUtf8 && i === 0) {
        const at = bytes.indexOf('"text":"') + '"text":"'.length;
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xfe]), bytes.subarray(at)]);
      }
      const size = b.chunkBytes ?? bytes.length;
      for (let at = 0; at < bytes.length; at += size) await send(payloadPart(bytes.subarray(at, at + size)));
      sent++;
      if (i === 0) keepRecent(this.firstTokenSentAt, performance.now());
    }
    if (res.destroyed) return;
    if (b.cutAfterTokens !== undefined) {
      switch (b.cutWith ?? "ModelStreamError") {
        case "ModelStreamError":
          await send(
            streamException("ModelStreamError", {
              Message: "The model stopped responding",
              ErrorCode: "ModelStreamError",
            }),
          );
          break;
        case "InternalStreamFailure":
          await send(streamException("InternalStreamFailure", { Message: "Internal stream failure" }));
          break;
        case "tgi-error":
          await send(payloadPart(Buffer.from(errorEvent("CUDA out of memory", format))));
          break;
        case "socket":
          res.destroy();
          return;
        case "end":
          break;
      }
    }
    res.end();
  }

  private error(res: ServerResponse, status: number, type: string, body: Record<string, unknown>): void {
    writeRuntimeError(res, status, type, body);
  }

  private modelError(res: ServerResponse, originalStatus: number, message: string): void {
    writeModelError(res, originalStatus, JSON.stringify({ error: message, error_type: "validation" }));
  }
}

function keepRecent<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > RECORDED_CALLS) list.splice(0, list.length - RECORDED_CALLS);
}
