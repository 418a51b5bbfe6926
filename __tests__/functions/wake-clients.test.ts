import OpenAI from "openai";
import OpenAI625 from "openai-6-25";
import { ChatOpenAI } from "@langchain/openai";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { ROOT } from "../helpers/synth";
import { runAiSdk, runModule } from "../helpers/ai-sdk";

/**
 * The first request after idle, as the clients people use make it, configured with only a base URL
 * and a key (their own retries and timeouts as shipped): `npm run local -- --config
 * examples/scale-to-zero.json --cold-start 45`, with the handlers' real hold (a try every 10 s, a
 * comment line every 15 s). Before holds, every one of these failed or gave up (docs/scale-to-zero.md).
 * All start at once, against one model that sleeps: each gets its answer on its first request.
 */
jest.setTimeout(180_000);
const COLD_START_S = 45;
const MODEL = "qwen-7b";
const KEY = "wake-clients-key";
let stack: LocalStack;
let baseURL: string;
beforeAll(async () => {
  stack = await startLocalStack({
    config: loadConfig(join(ROOT, "examples", "scale-to-zero.json")),
    port: 0,
    apiKey: KEY,
    coldStartSeconds: COLD_START_S,
  });
  baseURL = `${stack.url}/v1`;
});
afterAll(() => stack.stop());

const messages = [{ role: "user" as const, content: "Say hello" }];
async function text(stream: AsyncIterable<{ choices: { delta?: { content?: string | null } }[] }>): Promise<string> {
  let out = "";
  for await (const c of stream) out += c.choices[0]?.delta?.content ?? "";
  return out;
}
async function responsesText(stream: AsyncIterable<{ type: string; delta?: string }>): Promise<string> {
  let out = "";
  for await (const e of stream) if (e.type === "response.output_text.delta") out += e.delta ?? "";
  return out;
}

/** Every client at once, each its own first request; what each got, or how it failed. */
async function everyClient(): Promise<Record<string, string>> {
  const v649 = new OpenAI({ baseURL, apiKey: KEY });
  const v625 = new OpenAI625({ baseURL, apiKey: KEY });
  const clients: Record<string, () => Promise<string>> = {
    "openai 6.49, chat": async () =>
      (await v649.chat.completions.create({ model: MODEL, messages })).choices[0].message.content ?? "",
    "openai 6.49, chat streamed": async () =>
      text(await v649.chat.completions.create({ model: MODEL, messages, stream: true })),
    "openai 6.49, Responses streamed": async () =>
      responsesText(await v649.responses.create({ model: MODEL, input: "Say hello", stream: true })),
    "openai 6.25, chat": async () =>
      (await v625.chat.completions.create({ model: MODEL, messages })).choices[0].message.content ?? "",
    "openai 6.25, chat streamed": async () =>
      text(await v625.chat.completions.create({ model: MODEL, messages, stream: true })),
    "openai 6.25, Responses streamed": async () =>
      responsesText(await v625.responses.create({ model: MODEL, input: "Say hello", stream: true })),
    "AI SDK generateText": async () =>
      (await runAiSdk(`return (await generateText({ model: provider("${MODEL}"), prompt: "Say hello" })).text;`, {
        baseURL,
        key: KEY,
      })) as string,
    "AI SDK streamText": async () =>
      (await runAiSdk(
        `let t = ""; for await (const p of streamText({ model: provider("${MODEL}"), prompt: "Say hello" }).textStream) t += p; return t;`,
        {
          baseURL,
          key: KEY,
        },
      )) as string,
    "LangChain ChatOpenAI": async () =>
      String(
        (await new ChatOpenAI({ model: MODEL, apiKey: KEY, configuration: { baseURL } }).invoke("Say hello")).content,
      ),
    "Agents SDK": async () =>
      (await runModule(
        `import { Agent, run, setTracingDisabled } from "@openai/agents";
         setTracingDisabled(true);
         const result = await run(new Agent({ name: "Assistant", instructions: "Answer briefly." }), "Say hello");
         process.stdout.write(JSON.stringify(result.finalOutput));`,
        {
          OPENAI_BASE_URL: baseURL,
          OPENAI_API_KEY: KEY,
          OPENAI_DEFAULT_MODEL: MODEL,
          OPENAI_AGENTS_DISABLE_TRACING: "1",
        },
      )) as string,
  };
  const settled = await Promise.all(
    Object.values(clients).map((c) =>
      c().then(
        (t) => `answered: ${t.length > 0}`,
        (e: unknown) => `failed: ${String(e)}`,
      ),
    ),
  );
  return Object.fromEntries(Object.keys(clients).map((name, i) => [name, settled[i]]));
}

describe(`the first request after idle (a ${COLD_START_S} s cold start), from stock clients`, () => {
  let results: Record<string, string>;
  let firstBytesMs: number;
  beforeAll(async () => {
    const started = performance.now();
    // The time to a held stream's first bytes, as a client sees it, beside the clients.
    const raw = fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages, stream: true }),
    }).then(async (r) => {
      const reader = r.body!.getReader();
      await reader.read();
      firstBytesMs = performance.now() - started;
      while (!(await reader.read()).done);
    });
    [results] = await Promise.all([everyClient(), raw]);
  });

  it("gets its answer, every client", () => {
    for (const [client, result] of Object.entries(results))
      expect([client, result]).toEqual([client, "answered: true"]);
  });

  it("sees a held stream's first bytes within 2 s", () => {
    expect(firstBytesMs).toBeLessThan(2000);
  });

  it("asked SageMaker for one copy for all of them", () => {
    expect(stack.emulator!.wakeCalls.map((c) => c.component)).toEqual([
      expect.stringMatching(/^idle-free-v1-qwen-7b-/),
    ]);
  });
});
