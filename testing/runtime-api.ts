import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { API_GATEWAY_INTEGRATION_TIMEOUT_MS } from "../reference/aws-limits";

/**
 * The Lambda Runtime API (2018-06-01) that a runtime process polls: `next`,
 * buffered and streamed `response` (chunked, with error trailers), `error` and
 * `init/error`. One server serves one function process, one invocation at a time,
 * as Lambda does.
 */
export interface RuntimeChunk {
  readonly bytes: Buffer;
  /** performance.now() when the chunk arrived. */
  readonly at: number;
}

export interface RuntimeAnswer {
  /** "streamed" when the runtime used the streaming response mode. */
  readonly mode: "buffered" | "streamed" | "error";
  /** Content type the runtime declared for the response. */
  readonly contentType: string;
  readonly body: Buffer;
  readonly chunks: readonly RuntimeChunk[];
  /** Trailers of a streamed response (the runtime reports a failure mid-stream there). */
  readonly trailers: Readonly<Record<string, string>>;
  /** Lambda-Runtime-Function-Error-Type of an error response or trailer. */
  readonly errorType?: string;
}

export interface InvokeOptions {
  readonly timeoutMs?: number;
  /** Called with each body chunk as it arrives. */
  readonly onChunk?: (chunk: RuntimeChunk) => void;
}

interface Pending {
  readonly id: string;
  readonly event: unknown;
  readonly deadline: number;
  readonly options: InvokeOptions;
  resolve(answer: RuntimeAnswer): void;
  reject(error: Error): void;
}

const PREFIX = "/2018-06-01/runtime";
const FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:local";

export class RuntimeApi {
  private readonly server: Server;
  private readonly queue: Pending[] = [];
  private readonly pollers: ServerResponse[] = [];
  private readonly inFlight = new Map<string, Pending>();
  private initFailure: Error | undefined;
  private markReady: (at: number) => void = () => undefined;
  /** performance.now() of the runtime's first `next` poll: its init phase is over. */
  readonly ready = new Promise<number>((resolve) => (this.markReady = resolve));

  constructor() {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: Error) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errorMessage: err.message }));
      });
    });
  }

  /** Listens on loopback; resolves to the host:port the runtime reads from AWS_LAMBDA_RUNTIME_API. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const poller of this.pollers.splice(0)) poller.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Hands an event to the runtime process and resolves with what it answered. */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<RuntimeAnswer> {
    if (this.initFailure) return Promise.reject(this.initFailure);
    return new Promise<RuntimeAnswer>((resolve, reject) => {
      const pending: Pending = {
        id: randomUUID(),
        event,
        deadline: Date.now() + (options.timeoutMs ?? API_GATEWAY_INTEGRATION_TIMEOUT_MS),
        options,
        resolve,
        reject,
      };
      const poller = this.pollers.shift();
      if (poller) this.deliver(poller, pending);
      else this.queue.push(pending);
    });
  }

  /** Fails every waiting invocation, e.g. when the runtime process exits. */
  failAll(error: Error): void {
    for (const pending of [...this.queue.splice(0), ...this.inFlight.values()]) pending.reject(error);
    this.inFlight.clear();
  }

  private deliver(res: ServerResponse, pending: Pending): void {
    this.inFlight.set(pending.id, pending);
    res.writeHead(200, {
      "content-type": "application/json",
      "lambda-runtime-aws-request-id": pending.id,
      "lambda-runtime-deadline-ms": String(pending.deadline),
      "lambda-runtime-invoked-function-arn": FUNCTION_ARN,
      "lambda-runtime-trace-id": `Root=1-${Date.now().toString(16)}-${pending.id.replace(/-/g, "").slice(0, 24)};Sampled=0`,
    });
    res.end(JSON.stringify(pending.event));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? "";
    if (req.method === "GET" && path === `${PREFIX}/invocation/next`) {
      this.markReady(performance.now());
      const pending = this.queue.shift();
      if (pending) this.deliver(res, pending);
      else this.pollers.push(res);
      return;
    }
    if (req.method === "POST" && path === `${PREFIX}/init/error`) {
      const body = await readAll(req);
      this.initFailure = new Error(
        `init error (${header(req, "lambda-runtime-function-error-type")}): ${body.toString("utf8")}`,
      );
      this.failAll(this.initFailure);
      return accepted(res);
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    const pending = match ? this.inFlight.get(decodeURIComponent(match[1])) : undefined;
    if (req.method !== "POST" || !match || !pending) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ errorMessage: `unknown runtime API call ${req.method} ${path}` }));
      return;
    }
    this.inFlight.delete(pending.id);
    const contentType = header(req, "content-type") ?? "";
    if (match[2] === "error") {
      const body = await readAll(req);
      accepted(res);
      return pending.resolve({
        mode: "error",
        contentType,
        body,
        chunks: [],
        trailers: {},
        errorType: header(req, "lambda-runtime-function-error-type"),
      });
    }
    return this.receive(req, res, pending, contentType);
  }

  /** A function's answer, buffered or streamed, with its chunks as they came and its trailers. */
  private async receive(
    req: IncomingMessage,
    res: ServerResponse,
    pending: Pending,
    contentType: string,
  ): Promise<void> {
    const streamed = header(req, "lambda-runtime-function-response-mode") === "streaming";
    const chunks: RuntimeChunk[] = [];
    req.on("data", (bytes: Buffer) => {
      const chunk = { bytes, at: performance.now() };
      chunks.push(chunk);
      pending.options.onChunk?.(chunk);
    });
    try {
      // A process that dies mid-answer (killed, out of memory) breaks its response off: the caller hears of it.
      await new Promise<void>((resolve, reject) =>
        req
          .once("end", resolve)
          // Kept, not once: a broken-off request can say so twice.
          .on("error", reject)
          .once("close", () =>
            req.complete ? resolve() : reject(new Error("the function's response broke off before its end")),
          ),
      );
    } catch (err) {
      return pending.reject(err as Error);
    }
    const trailers = req.trailers as Record<string, string>;
    accepted(res);
    pending.resolve({
      mode: streamed ? "streamed" : "buffered",
      contentType,
      body: Buffer.concat(chunks.map((c) => c.bytes)),
      chunks,
      trailers,
      errorType: trailers["lambda-runtime-function-error-type"],
    });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function accepted(res: ServerResponse): void {
  res.writeHead(202, { "content-type": "application/json" });
  res.end(JSON.stringify({ status: "OK" }));
}
