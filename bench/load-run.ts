import autocannon from "autocannon";
import { parseConfig } from "../config/load";
import { startLocalStack } from "../local/dev-server";

/**
 * Load on the local stack (loopback only, bounded in time): buffered and
 * streamed requests mixed over many connections, every answer checked, then
 * the same load straight at the emulator to see what the API layers add.
 */
export interface LoadResult {
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly badBodies: number;
  readonly droppedStreams: number;
  readonly streams: number;
  readonly p50: number;
  readonly p99: number;
  readonly directP50: number;
  readonly directP99: number;
}

const GENERATE = JSON.stringify({ inputs: "Say hello", parameters: { max_new_tokens: 8 } });

export async function runLoad(connections: number, seconds: number): Promise<LoadResult> {
  process.env.LOG_LEVEL = "silent";
  const config = parseConfig({
    region: "us-east-1",
    models: [
      {
        name: "mistral-7b",
        huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
        instance: { type: "ml.g5.2xlarge" },
      },
    ],
  });
  const stack = await startLocalStack({
    config,
    port: 0,
    apiKey: "load",
    emulator: { firstTokenDelayMs: 20, tokenDelayMs: 2 },
  });
  const counts = { badBodies: 0, droppedStreams: 0, streams: 0 };
  try {
    const headers = { "content-type": "application/json", "x-api-key": "load" };
    const result = await autocannon({
      url: stack.url,
      connections,
      duration: seconds,
      requests: [
        {
          method: "POST",
          path: "/mistral-7b/invoke",
          headers,
          body: GENERATE,
          onResponse: (status: number, body: string) => {
            if (status !== 200 || !body.includes('"generated_text"')) counts.badBodies++;
          },
        },
        {
          method: "POST",
          path: "/mistral-7b/stream",
          headers,
          body: GENERATE,
          onResponse: (_status: number, body: string) => {
            counts.streams++;
            if (!body.includes("event: done")) counts.droppedStreams++;
          },
        },
      ],
    });
    // The same mix straight at the model (emulator), to see what the API and handlers add.
    const direct = await autocannon({
      url: stack.runtimeUrl,
      connections,
      duration: seconds,
      requests: [
        {
          method: "POST",
          path: "/endpoints/llm-api-v1-mistral-7b/invocations",
          headers: { "content-type": "application/json" },
          body: GENERATE,
        },
        {
          method: "POST",
          path: "/endpoints/llm-api-v1-mistral-7b/invocations-response-stream",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ...JSON.parse(GENERATE), stream: true }),
        },
      ],
    });
    return {
      connections,
      seconds,
      requests: result.requests.total,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      ...counts,
      p50: result.latency.p50,
      p99: result.latency.p99,
      directP50: direct.latency.p50,
      directP99: direct.latency.p99,
    };
  } finally {
    await stack.stop();
  }
}

export function formatLoad(r: LoadResult): string {
  return [
    `load: ${r.connections} connections, ${r.seconds} s, buffered and streamed requests mixed`,
    `requests                 ${r.requests}`,
    `errors and timeouts      ${r.errors}`,
    `non-2xx answers          ${r.non2xx}`,
    `wrong bodies             ${r.badBodies}`,
    `dropped streams          ${r.droppedStreams} of ${r.streams}`,
    `latency p50 / p99        ${r.p50} ms / ${r.p99} ms (whole response; streams include 20 ms first token + 8 tokens x 2 ms)`,
    `model alone p50 / p99    ${r.directP50} ms / ${r.directP99} ms`,
    `added by API + handlers  p50 ${r.p50 - r.directP50} ms, p99 ${r.p99 - r.directP99} ms`,
  ].join("\n");
}
