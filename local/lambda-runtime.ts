import { Writable } from "node:stream";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";

/**
 * The part of the Lambda Node.js runtime the handlers use, for running them
 * outside Lambda: `awslambda.streamifyResponse` and `HttpResponseStream.from`,
 * which writes the JSON prelude and eight NUL bytes before the body, as the
 * real runtime does for API Gateway.
 */
const STREAMING = Symbol.for("llm-api.streaming");
const DELIMITER = Buffer.alloc(8);

export function installLambdaRuntime(): void {
  const g = globalThis as unknown as { awslambda?: Record<string, unknown> };
  if (typeof g.awslambda?.streamifyResponse === "function") return;
  // Some libraries leave an empty `awslambda` object behind: fill it in rather than trust it.
  g.awslambda = Object.assign(g.awslambda ?? {}, {
    streamifyResponse: <T extends (...args: never[]) => unknown>(fn: T) => Object.assign(fn, { [STREAMING]: true }),
    HttpResponseStream: {
      from(stream: Writable, metadata: Record<string, unknown>) {
        stream.write(JSON.stringify(metadata));
        stream.write(DELIMITER);
        return stream;
      },
    },
  });
}

export type BufferedHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type StreamingHandler = (event: APIGatewayProxyEvent, stream: Writable, context: Context) => Promise<void>;
export type AnyHandler = BufferedHandler | StreamingHandler;

export const isStreaming = (handler: AnyHandler): handler is StreamingHandler => Boolean((handler as unknown as Record<symbol, unknown>)[STREAMING]);

export function lambdaContext(requestId: string, timeoutMs = 29_000): Context {
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

/**
 * A Writable standing in for Lambda's response stream: it splits off the
 * prelude, reports status and headers once, then passes each body chunk on.
 */
export class ResponseStreamSink extends Writable {
  private prelude: Buffer | undefined = Buffer.alloc(0);

  constructor(
    private readonly onHead: (head: ResponseHead) => void,
    private readonly onBody: (chunk: Buffer) => void | Promise<void>,
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (this.prelude) {
      this.prelude = Buffer.concat([this.prelude, bytes]);
      const at = this.prelude.indexOf(DELIMITER);
      if (at < 0) return callback();
      const head = JSON.parse(this.prelude.subarray(0, at).toString("utf8")) as { statusCode?: number; headers?: Record<string, string> };
      bytes = this.prelude.subarray(at + DELIMITER.length);
      this.prelude = undefined;
      this.onHead({ statusCode: head.statusCode ?? 200, headers: head.headers ?? {} });
    }
    if (bytes.length === 0) return callback();
    Promise.resolve(this.onBody(bytes)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // A handler that ended without HttpResponseStream.from sent a bare body.
    if (this.prelude) {
      const body = this.prelude;
      this.prelude = undefined;
      this.onHead({ statusCode: 200, headers: {} });
      if (body.length > 0) void this.onBody(body);
    }
    callback();
  }
}
