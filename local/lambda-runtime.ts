import { withSettings, type HandlerSettings } from "../functions/lib/settings";
import { Writable } from "node:stream";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { API_GATEWAY_INTEGRATION_TIMEOUT_MS } from "../reference/aws-limits";

/**
 * The part of the Lambda Node.js runtime the handlers use, for running them
 * outside Lambda: `awslambda.streamifyResponse` and `HttpResponseStream.from`.
 * It behaves as AWS's runtime interface client (aws-lambda-ric 4.x) does:
 * `from()` sets the HTTP-integration content type and arms a hook that writes
 * the JSON prelude and eight NUL bytes on the first `write()`; `end(chunk)`
 * does not go through `write()`, so a body given to `end()` alone goes out
 * without a prelude, and API Gateway answers such a stream with 502.
 */
const STREAMING = Symbol.for("llm-api.streaming");
const DELIMITER = Buffer.alloc(8);
export const HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

type PreludeHook = (write: (chunk: string | Uint8Array) => void) => void;

export function installLambdaRuntime(): void {
  const g = globalThis as unknown as { awslambda?: Record<string, unknown> };
  if (typeof g.awslambda?.streamifyResponse === "function") return;
  // Some libraries leave an empty `awslambda` object behind: fill it in rather than trust it.
  g.awslambda = Object.assign(g.awslambda ?? {}, {
    streamifyResponse: <T extends (...args: never[]) => unknown>(fn: T) => Object.assign(fn, { [STREAMING]: true }),
    HttpResponseStream: {
      from(stream: ResponseStreamSink, metadata: Record<string, unknown>) {
        stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
        const prelude = JSON.stringify(metadata);
        stream._onBeforeFirstWrite = (write) => {
          write(prelude);
          write(new Uint8Array(DELIMITER.length));
        };
        return stream;
      },
    },
  });
}

export type BufferedHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type StreamingHandler = (event: APIGatewayProxyEvent, stream: Writable, context: Context) => Promise<void>;
export type AnyHandler = BufferedHandler | StreamingHandler;

export const isStreaming = (handler: AnyHandler): handler is StreamingHandler =>
  Boolean((handler as unknown as Record<symbol, unknown>)[STREAMING]);

export function lambdaContext(requestId: string, timeoutMs = API_GATEWAY_INTEGRATION_TIMEOUT_MS): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId: requestId,
    functionName: "local",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:local:000000000000:function:local",
    memoryLimitInMB: "512",
    logGroupName: "/aws/lambda/local",
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ResponseHead {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
}

/** What API Gateway answers when a streaming function's bytes are not an HTTP-integration response. */
export const MALFORMED_STREAM: { head: ResponseHead; body: string } = {
  head: { statusCode: 502, headers: { "content-type": "application/json" } },
  body: JSON.stringify({ message: "Internal server error" }),
};

/**
 * Reads a streaming function's output as API Gateway's STREAM integration does:
 * the content type must be the HTTP-integration type and the bytes must start
 * with a JSON prelude and eight NUL bytes; anything else is a 502.
 */
export class IntegrationResponseReader {
  private pending: Buffer | undefined = Buffer.alloc(0);
  private malformed = false;

  constructor(
    private readonly contentType: () => string,
    private readonly onHead: (head: ResponseHead) => void,
    private readonly onBody: (chunk: Buffer) => void | Promise<void>,
  ) {}

  async push(bytes: Buffer): Promise<void> {
    if (this.malformed) return;
    if (this.pending) {
      if (this.contentType() !== HTTP_INTEGRATION_CONTENT_TYPE) return this.reject();
      this.pending = Buffer.concat([this.pending, bytes]);
      const at = this.pending.indexOf(DELIMITER);
      if (at < 0) return;
      let head: { statusCode?: unknown; headers?: unknown };
      try {
        head = JSON.parse(this.pending.subarray(0, at).toString("utf8"));
      } catch {
        return this.reject();
      }
      bytes = this.pending.subarray(at + DELIMITER.length);
      this.pending = undefined;
      this.onHead({
        statusCode: typeof head.statusCode === "number" ? head.statusCode : 200,
        headers: (head.headers ?? {}) as Record<string, string>,
      });
    }
    if (bytes.length > 0) await this.onBody(bytes);
  }

  /** The function finished: a stream that never completed its prelude was not an HTTP answer. */
  async end(): Promise<void> {
    if (this.pending && !this.malformed) await this.reject();
  }

  private async reject(): Promise<void> {
    this.malformed = true;
    this.pending = undefined;
    this.onHead(MALFORMED_STREAM.head);
    await this.onBody(Buffer.from(MALFORMED_STREAM.body));
  }
}

/**
 * A Writable standing in for Lambda's response stream, with the runtime
 * client's first-write hook and content type, read as API Gateway reads it.
 */
export class ResponseStreamSink extends Writable {
  private contentType = DEFAULT_CONTENT_TYPE;
  private written = false;
  private readonly reader: IntegrationResponseReader;
  _onBeforeFirstWrite: PreludeHook | undefined;

  constructor(onHead: (head: ResponseHead) => void, onBody: (chunk: Buffer) => void | Promise<void>) {
    super();
    this.reader = new IntegrationResponseReader(() => this.contentType, onHead, onBody);
  }

  setContentType(contentType: string): void {
    if (this.written) throw new Error("Cannot set content-type, too late.");
    this.contentType = contentType;
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (!this.written && this._onBeforeFirstWrite) this._onBeforeFirstWrite((c) => super.write(c));
    this.written = true;
    return super.write(chunk, encoding as BufferEncoding, callback as (error?: Error | null) => void);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // end(chunk) reaches here without write(): it is a body without a prelude, as on Lambda.
    this.written = true;
    this.reader.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.reader.end().then(() => callback(), callback);
  }
}

/** The handler, run inside one local stack's settings; streaming or not as the original. */
export function withHandlerSettings<T extends AnyHandler>(handler: T, settings: HandlerSettings): T {
  const bound = (...args: unknown[]) =>
    withSettings(settings, () => (handler as (...a: unknown[]) => unknown)(...args));
  return (isStreaming(handler) ? Object.assign(bound, { [STREAMING]: true }) : bound) as unknown as T;
}

/** The built-in handlers, loaded once the Lambda globals they use at import are in place. */
export function builtInHandlers(): { invoke: BufferedHandler; stream: StreamingHandler; openai: StreamingHandler } {
  installLambdaRuntime();
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    invoke: require("../functions/invoke").handler,
    stream: require("../functions/stream").handler,
    openai: require("../functions/openai").handler,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** The built-in handlers, each run inside `settings`: what a local stack, or a test, serves. */
export function boundHandlers(settings: HandlerSettings): {
  invoke: BufferedHandler;
  stream: StreamingHandler;
  openai: StreamingHandler;
} {
  const builtIn = builtInHandlers();
  return {
    invoke: withHandlerSettings(builtIn.invoke, settings),
    stream: withHandlerSettings(builtIn.stream, settings),
    openai: withHandlerSettings(builtIn.openai, settings),
  };
}
