import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { bundleHandler } from "../packaging/bundle";
import { esbuildOptions, FUNCTIONS_DIR } from "../deployment/lambda/esbuild-options";
import { SageMakerEmulator } from "../local/emulator/sagemaker-emulator";
import type { StreamingHandler } from "../local/lambda-runtime";

/** Handler benchmarks against the emulator; budgets from DESIGN.md. */
export type Row = [name: string, result: string, budget: string, ok: boolean];

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const percentile = (v: number[], p: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];

/** Module init time of a file in a fresh Node process, as Lambda's init phase loads it. */
function initMs(file: string, runs: number): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return median(
    Array.from({ length: runs }, () =>
      Number(
        execFileSync("node", ["-e", script], {
          encoding: "utf8",
          env: {
            ...process.env,
            AWS_REGION: "us-east-1",
            MODELS: "{}",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          },
        }),
      ),
    ),
  );
}

export async function handlerBenchmarks(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const handler of ["invoke", "stream", "openai"]) {
    const kb = bundleHandler(handler).codeBytes / 1024;
    rows.push([`${handler} bundle (minified)`, `${kb.toFixed(0)} KB`, "< 500 KB", kb < 500]);
  }

  // Cold init: the bundled handler against a bare handler, each in a fresh process.
  const dir = mkdtempSync(join(tmpdir(), "llm-api-init-"));
  const bundled = join(dir, "invoke.js");
  const build = buildSync(esbuildOptions(join(FUNCTIONS_DIR, "invoke", "index.ts")));
  writeFileSync(bundled, build.outputFiles.find((f) => f.path.endsWith("index.js"))!.contents);
  const bare = join(dir, "bare.js");
  writeFileSync(bare, "exports.handler = async () => ({ statusCode: 200, body: '{}' });");
  const initBundled = initMs(bundled, 15);
  const initBare = initMs(bare, 15);
  rows.push([
    "cold init, invoke bundle vs bare handler (median of 15)",
    `${initBundled.toFixed(1)} ms vs ${initBare.toFixed(1)} ms (+${(initBundled - initBare).toFixed(1)})`,
    "+ < 60 ms",
    initBundled - initBare < 60,
  ]);

  // Warm overhead: the invoke handler against a direct SDK call to the same emulator.
  const emulator = new SageMakerEmulator(["ep-bench"]);
  const url = await emulator.start();
  Object.assign(process.env, {
    MODELS: JSON.stringify({ bench: { endpoint: "ep-bench", chat: "messages", stream: true } }),
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    LOG_LEVEL: "silent",
  });
  const { installLambdaRuntime, lambdaContext, ResponseStreamSink } = await import("../local/lambda-runtime");
  installLambdaRuntime();
  const { handler: invoke } = await import("../functions/invoke");
  const { handler: stream } = await import("../functions/stream");
  const direct = new SageMakerRuntimeClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "b", secretAccessKey: "b" },
  });
  const body = { inputs: "Say hello", parameters: { max_new_tokens: 8 } };
  const event = (path: string) =>
    ({
      resource: path,
      path,
      httpMethod: "POST",
      body: JSON.stringify(body),
      isBase64Encoded: false,
      requestContext: { requestId: "bench" },
    }) as never;

  const { handler: authorize } = await import("../functions/authorizer");
  const authorizerEvent = {
    type: "REQUEST",
    methodArn: "arn:aws:execute-api:us-east-1:1:a/v1/POST/bench/invoke",
    headers: { Authorization: "Bearer k" },
  } as never;
  const N = Number(process.env.BENCH_CALLS ?? 400);
  const viaHandler: number[] = [];
  const viaSdk: number[] = [];
  for (let i = 0; i < N + 50; i++) {
    let t = performance.now();
    await direct.send(
      new InvokeEndpointCommand({
        EndpointName: "ep-bench",
        ContentType: "application/json",
        Body: JSON.stringify(body),
      }),
    );
    const sdk = performance.now() - t;
    // What the product adds per request: the authorizer's work, then the handler's.
    t = performance.now();
    await authorize(authorizerEvent);
    await invoke(event("/bench/invoke"), lambdaContext("bench"));
    const handler = performance.now() - t;
    if (i >= 50) {
      viaSdk.push(sdk);
      viaHandler.push(handler);
    }
  }
  const p50 = percentile(viaHandler, 50) - percentile(viaSdk, 50);
  const p99 = percentile(viaHandler, 99) - percentile(viaSdk, 99);
  rows.push([
    `invoke: authorizer + handler vs direct SDK call, p50 (${N} calls)`,
    `${percentile(viaHandler, 50).toFixed(2)} vs ${percentile(viaSdk, 50).toFixed(2)} ms (+${p50.toFixed(2)})`,
    "-",
    true,
  ]);
  rows.push([
    `invoke: authorizer + handler vs direct SDK call, p99 (${N} calls)`,
    `${percentile(viaHandler, 99).toFixed(2)} vs ${percentile(viaSdk, 99).toFixed(2)} ms (+${p99.toFixed(2)})`,
    "+ < 2 ms",
    p99 < 2,
  ]);

  // First token: from the emulator sending it to the client receiving it.
  emulator.behave("ep-bench", { firstTokenDelayMs: 50, tokenDelayMs: 5 });
  const gaps: number[] = [];
  for (let i = 0; i < 20; i++) {
    let firstAt = 0;
    const sink = new ResponseStreamSink(
      () => undefined,
      (chunk) => void (firstAt ||= chunk.includes("event: token") ? performance.now() : 0),
    );
    await (stream as unknown as StreamingHandler)(event("/bench/stream"), sink, lambdaContext("bench"));
    gaps.push(firstAt - emulator.firstTokenSentAt.at(-1)!);
  }
  const gap = median(gaps);
  rows.push([
    "stream: model's first token to client's first token (median of 20)",
    `${gap.toFixed(2)} ms`,
    "< 50 ms",
    gap < 50,
  ]);
  await emulator.stop();
  return rows;
}
