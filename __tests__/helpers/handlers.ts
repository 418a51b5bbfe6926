import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { streamTimeoutsOf, type WakeSettings } from "../../functions/lib/settings";
import {
  ResponseStreamSink,
  boundHandlers,
  lambdaContext,
  type AnyHandler,
  type BufferedHandler,
  type ResponseHead,
  type StreamingHandler,
} from "../../local/lambda-runtime";
import type { ModelRoute } from "../../functions/lib/models";
import { SageMakerEmulator } from "../../local/emulator/sagemaker-emulator";
import { formatsOf } from "../../local/emulator/serving-container";
import { contextsOf } from "../../local/emulator/context-limit";
import { createRuntimeClient } from "../../functions/lib/client";

/**
 * Runs the real handlers against the SageMaker emulator through the real AWS
 * SDK, with a client pointed at the emulator in the handlers' settings.
 */
export interface HandlerRig {
  readonly emulator: SageMakerEmulator;
  readonly invoke: BufferedHandler;
  readonly stream: StreamingHandler;
  readonly openai: StreamingHandler;
  stop(): Promise<void>;
}

export const TEST_MODELS: Record<string, ModelRoute> = {
  mistral: { endpoint: "ep-mistral", chat: "messages", stream: true },
  falcon: { endpoint: "ep-falcon", chat: "prompt", stream: true },
  tiny: { endpoint: "ep-tiny", chat: "prompt", stream: false },
  gone: { endpoint: "ep-deleted", chat: "prompt", stream: true },
  vllm: { endpoint: "ep-vllm", chat: "messages", stream: true, server: "lmi" },
  // vLLM started with a tool-call parser: it may pick tools itself.
  qwen: { endpoint: "ep-qwen", chat: "messages", stream: true, server: "lmi", autoTools: true },
  // A Text Embeddings Inference model.
  bge: { endpoint: "ep-bge", chat: "prompt", stream: false, task: "embedding" },
  // A vision model on vLLM: images as data: URLs.
  "qwen-vl": { endpoint: "ep-qwen-vl", chat: "messages", stream: true, server: "lmi", vision: "data" },
};

export async function startRig(
  models: Record<string, ModelRoute> = TEST_MODELS,
  streamTimeouts = streamTimeoutsOf({}),
  wake?: WakeSettings,
): Promise<HandlerRig> {
  const emulator = new SageMakerEmulator(
    Object.values(models)
      .map((m) => m.endpoint)
      .filter((e) => e !== "ep-deleted"),
    {},
    formatsOf(Object.values(models)),
    contextsOf(Object.values(models)),
  );
  const url = await emulator.start();
  process.env.LOG_LEVEL ??= "silent";
  const runtime = createRuntimeClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "emulator", secretAccessKey: "emulator" },
  });
  // SageMaker's control plane (the handlers' wakes) is the emulator too.
  const settings = { models, corsOrigins: [], runtime, streamTimeouts, wake, endpoints: { sagemaker: url } };
  const handlers = boundHandlers(settings);
  return {
    emulator,
    ...handlers,
    stop: async () => {
      await emulator.stop();
      runtime.destroy();
    },
  };
}

let counter = 0;
export function apiEvent(method: string, path: string, body?: unknown, raw?: string): APIGatewayProxyEvent {
  const requestId = `req-${++counter}`;
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: { "content-type": "application/json" },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: raw ?? (body === undefined ? null : JSON.stringify(body)),
    requestContext: { requestId } as APIGatewayProxyEvent["requestContext"],
  };
}

export interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly json: any;
  /** Body pieces as the client received them, with the time each arrived. */
  readonly chunks: { text: string; at: number }[];
}

export async function call(handler: AnyHandler, event: APIGatewayProxyEvent, timeoutMs = 29_000): Promise<Answer> {
  const context = lambdaContext(event.requestContext.requestId, timeoutMs);
  const parse = (body: string) => {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  };
  if ((handler as unknown as Record<symbol, unknown>)[Symbol.for("llm-api.streaming")]) {
    let head: ResponseHead = { statusCode: 0, headers: {} };
    const chunks: { text: string; at: number }[] = [];
    const decoder = new TextDecoder();
    const sink = new ResponseStreamSink(
      (h) => (head = h),
      (bytes) => void chunks.push({ text: decoder.decode(bytes, { stream: true }), at: performance.now() }),
    );
    await (handler as StreamingHandler)(event, sink, context);
    await new Promise<void>((resolve) => (sink.writableFinished ? resolve() : sink.on("finish", () => resolve())));
    const body = chunks.map((c) => c.text).join("");
    return { ...head, body, json: parse(body), chunks };
  }
  const result: APIGatewayProxyResult = await (handler as BufferedHandler)(event, context);
  return {
    statusCode: result.statusCode,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body,
    json: parse(result.body),
    chunks: [],
  };
}

/** The SSE events of a body: [{event, data}], data parsed as JSON where it is JSON. */
export function sseEvents(body: string): { event?: string; data: any }[] {
  return (
    body
      .split("\n\n")
      // Comment lines (": ...", a held stream's heartbeat) are no events.
      .filter((block) => block.split("\n").some((l) => l.startsWith("data: ") || l.startsWith("event: ")))
      .map((block) => {
        const lines = block.split("\n");
        const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
        const data = lines
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n");
        try {
          return { event, data: JSON.parse(data) };
        } catch {
          return { event, data };
        }
      })
  );
}

export interface OpenAiServer {
  /** The OpenAI base URL, `<server>/v1`. */
  readonly baseURL: string;
  stop(): Promise<void>;
}

/** The rig's handlers behind a local API server with the given key, as OpenAI clients reach them. */
export async function startOpenAiServer(rig: HandlerRig, key: string): Promise<OpenAiServer> {
  const { gatewayDocument } = await import("../../deployment/openapi/gateway-document");
  const { createLocalApi } = await import("../../local/api-server");
  const document = gatewayDocument({
    title: "local",
    auth: "apiKey",
    models: Object.keys(TEST_MODELS).map((model) => ({ model, invokeUri: "local:invoke", streamUri: "local:stream" })),
    openaiUri: "local:openai",
    authorizerUri: "local:authorizer",
  });
  const server = createLocalApi({
    document,
    apiKey: key,
    handlers: { "local:invoke": rig.invoke, "local:stream": rig.stream, "local:openai": rig.openai },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
