import { SageMakerEmulator } from "../local/emulator/sagemaker-emulator";
import { createRuntimeClient } from "../functions/lib/client";
import { ResponseStreamSink, boundHandlers, lambdaContext } from "../local/lambda-runtime";
import { streamTimeoutsOf } from "../functions/lib/settings";
import { BACKEND_BATCH, BATCH_CONCURRENCY, MAX_INPUTS } from "../functions/openai/embeddings";
import type { Row } from "./handlers";

/**
 * POST /v1/embeddings with OpenAI's largest batch (2,048 inputs) through the OpenAI function against
 * the emulator's TEI: how many model calls it makes, and the wall time with an instant model and with
 * one that takes 50 ms per call (serial calls would take 64 × 50 ms = 3.2 s).
 */
export async function embeddingBatchBenchmarks(): Promise<Row[]> {
  const emulator = new SageMakerEmulator(["ep-bge"], {}, { "ep-bge": "tei" });
  const url = await emulator.start();
  const runtime = createRuntimeClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "b", secretAccessKey: "b" },
  });
  const models = { bge: { endpoint: "ep-bge", chat: "prompt", stream: false, task: "embedding" } } as const;
  const { openai: chat } = boundHandlers({ models, corsOrigins: [], runtime, streamTimeouts: streamTimeoutsOf({}) });
  const input = Array.from({ length: MAX_INPUTS }, (_, i) => `document ${i}: ${"some words ".repeat(20)}`);
  const body = JSON.stringify({ model: "bge", input, encoding_format: "base64" });
  const once = async () => {
    let status = 0;
    const sink = new ResponseStreamSink(
      (head) => (status = head.statusCode),
      () => undefined,
    );
    const event = {
      resource: "/v1/embeddings",
      path: "/v1/embeddings",
      httpMethod: "POST",
      body,
      isBase64Encoded: false,
      requestContext: { requestId: "b" },
    };
    const started = performance.now();
    await chat(event as never, sink, lambdaContext("bench", 29_000));
    await new Promise<void>((resolve) => (sink.writableFinished ? resolve() : sink.on("finish", () => resolve())));
    if (status !== 200) throw new Error(`embeddings answered ${status}`);
    return performance.now() - started;
  };
  const rows: Row[] = [];
  try {
    // The emulator keeps its last 100 calls: the first request's count is read before another starts.
    await once();
    const calls = emulator.calls.length;
    const instant = await once();
    emulator.behave("ep-bge", { stallMs: 50 });
    const slow = await once();
    const expectedCalls = Math.ceil(MAX_INPUTS / BACKEND_BATCH);
    rows.push([
      `embeddings, ${MAX_INPUTS} inputs: model calls (${BACKEND_BATCH} each, ${BATCH_CONCURRENCY} at a time)`,
      String(calls),
      `= ${expectedCalls}`,
      calls === expectedCalls,
    ]);
    rows.push([`embeddings, ${MAX_INPUTS} inputs, instant model (wall)`, `${instant.toFixed(0)} ms`, "-", true]);
    const serialMs = expectedCalls * 50;
    rows.push([
      `embeddings, ${MAX_INPUTS} inputs, 50 ms per model call (wall)`,
      `${slow.toFixed(0)} ms`,
      `< serial ${serialMs} ms / 2`,
      slow < serialMs / 2,
    ]);
  } finally {
    await emulator.stop();
    runtime.destroy();
  }
  return rows;
}
