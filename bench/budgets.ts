import { SageMakerEmulator } from "../local/emulator/sagemaker-emulator";
import { startStateTable } from "../local/state-table";
import type { HandlerSettings } from "../functions/lib/settings";
import type { Row } from "./handlers";

const percentile = (v: number[], p: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];

/**
 * What a token budget adds to a request: the invoke handler for a consumer with a budget against
 * the same handler for one without, alternately, against the local store (dynalite) and the
 * emulator; and the calls each makes to the store, counted at fetch.
 */
export async function budgetBenchmarks(): Promise<Row[]> {
  // The handlers read LOG_LEVEL when first loaded: loaded here, after it is set, they stay quiet.
  process.env.LOG_LEVEL = "silent";
  const { createRuntimeClient } = await import("../functions/lib/client");
  const { withSettings } = await import("../functions/lib/settings");
  const emulator = new SageMakerEmulator(["ep-budget"]);
  const url = await emulator.start();
  const table = await startStateTable("bench-v1-state", "us-east-1");
  const settings: HandlerSettings = {
    models: { bench: { endpoint: "ep-budget", chat: "messages", stream: true, contextTokens: 4096 } },
    corsOrigins: [],
    streamTimeouts: { firstTokenMs: 30_000, idleMs: 30_000 },
    runtime: createRuntimeClient({
      endpoint: url,
      region: "us-east-1",
      credentials: { accessKeyId: "b", secretAccessKey: "b" },
    }),
    endpoints: { dynamodb: table.url },
    budgets: { table: table.name, consumers: { metered: { tokens: 1e12, period: "day" } } },
  };
  const { lambdaContext } = await import("../local/lambda-runtime");
  const { handler: invoke } = await import("../functions/invoke");
  const event = (consumer: string) =>
    ({
      resource: "/bench/invoke",
      path: "/bench/invoke",
      httpMethod: "POST",
      body: JSON.stringify({ inputs: "Say hello", parameters: { max_new_tokens: 8 } }),
      isBase64Encoded: false,
      requestContext: { requestId: `bench-${Math.random()}`, authorizer: { consumer } },
    }) as never;
  const storeCalls = { metered: 0, free: 0 };
  let counting: keyof typeof storeCalls | undefined;
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    if (counting && String(input).startsWith(table.url)) storeCalls[counting]++;
    return realFetch(input, init);
  }) as typeof fetch;
  const N = Number(process.env.BENCH_CALLS ?? 300);
  const times = { metered: [] as number[], free: [] as number[] };
  try {
    await withSettings(settings, async () => {
      for (let i = 0; i < N + 30; i++)
        for (const consumer of ["metered", "free"] as const) {
          counting = i >= 30 ? consumer : undefined;
          const t = performance.now();
          const answer = await invoke(event(consumer), lambdaContext("bench"));
          if (answer.statusCode !== 200) throw new Error(`bench request failed: ${answer.body}`);
          if (i >= 30) times[consumer].push(performance.now() - t);
        }
    });
  } finally {
    globalThis.fetch = realFetch;
    settings.runtime?.destroy();
    await Promise.all([emulator.stop(), table.stop()]);
  }
  const added = (p: number) => percentile(times.metered, p) - percentile(times.free, p);
  return [
    [
      `budget: invoke with a budget vs without, p50 / p99 (${N} calls each, dynalite on loopback)`,
      `+${added(50).toFixed(2)} / +${added(99).toFixed(2)} ms`,
      "-",
      true,
    ],
    [
      "budget: store calls per request, with a budget / without",
      `${(storeCalls.metered / N).toFixed(2)} / ${(storeCalls.free / N).toFixed(2)}`,
      "2 / 0",
      storeCalls.metered === 2 * N && storeCalls.free === 0,
    ],
  ];
}
