import OpenAI from "openai";
import type { ModelRoute } from "../../contract/routes";
import { runAiSdk } from "../helpers/ai-sdk";
import { startOpenAiServer, startRig, type HandlerRig, type OpenAiServer } from "../helpers/handlers";

// Agents ask for more output than a small model holds (opencode: max_tokens 32000). The emulator
// refuses such budgets as TGI 3.3.6 and vLLM do; the answer still comes, within the model's context.
const CONTEXT = 8192;
const MODELS: Record<string, ModelRoute> = {
  "tgi-8k": { endpoint: "ep-tgi-8k", chat: "messages", stream: true, contextTokens: CONTEXT },
  "vllm-8k": { endpoint: "ep-vllm-8k", chat: "messages", stream: true, server: "lmi", contextTokens: CONTEXT },
};
const KEY = "budget-key";
let rig: HandlerRig;
let server: OpenAiServer;
let openai: OpenAI;
beforeAll(async () => {
  process.env.LOG_LEVEL = "silent";
  rig = await startRig(MODELS);
  server = await startOpenAiServer(rig, KEY);
  openai = new OpenAI({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  await server.stop();
  await rig.stop();
});

/** A prompt of n tokens as the emulator counts them (words). */
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
const budgetsSent = (since: number) =>
  rig.emulator.calls.slice(since).map((c) => (c.body as { max_tokens?: number }).max_tokens);

describe.each([
  // vLLM refuses any budget past the context; TGI only the prompt plus its first 1,024-token chunk.
  ["vLLM", "vllm-8k", 100, CONTEXT - 100],
  ["TGI", "tgi-8k", 7500, CONTEXT - 7500],
])("max_tokens 32000 to an 8,192-token model on %s", (_server, model, promptTokens, fits) => {
  it("answers within the context, buffered: the call is made again with the budget that fits", async () => {
    const since = rig.emulator.calls.length;
    const answer = await openai.chat.completions.create({
      model,
      max_tokens: 32000,
      messages: [{ role: "user", content: words(promptTokens) }],
    });
    expect(budgetsSent(since)).toEqual([32000, fits]);
    expect(answer.usage!.prompt_tokens).toBe(promptTokens);
    expect(answer.usage!.total_tokens).toBeLessThanOrEqual(CONTEXT);
    expect(answer.choices[0].message.content).toMatch(/./);
  });

  it("and streamed, with usage when asked", async () => {
    const since = rig.emulator.calls.length;
    const stream = await openai.chat.completions.create({
      model,
      max_completion_tokens: 32000,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: words(promptTokens) }],
    });
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      usage ??= chunk.usage ?? undefined;
      finish ??= chunk.choices[0]?.finish_reason ?? null;
    }
    expect(budgetsSent(since)).toEqual([32000, fits]);
    expect(finish).toBe("stop");
    expect(usage!.total_tokens).toBeLessThanOrEqual(CONTEXT);
  });

  it("on the Responses API too (max_output_tokens)", async () => {
    const response = await openai.responses.create({ model, input: words(promptTokens), max_output_tokens: 32000 });
    expect(response.status).toBe("completed");
    expect(response.usage!.input_tokens + response.usage!.output_tokens).toBeLessThanOrEqual(CONTEXT);
  });
});

it("an answer cut by the context says length, with honest usage", async () => {
  const since = rig.emulator.calls.length;
  const answer = await openai.chat.completions.create({
    model: "vllm-8k",
    max_tokens: 32000,
    messages: [{ role: "user", content: words(CONTEXT - 3) }],
  });
  expect(budgetsSent(since)).toEqual([32000, 3]);
  expect([answer.choices[0].finish_reason, answer.usage!.completion_tokens, answer.usage!.total_tokens]).toEqual([
    "length",
    3,
    CONTEXT,
  ]);
});

it("a prompt that fills the context alone is the model's 4xx, made once", async () => {
  const since = rig.emulator.calls.length;
  const error = await openai.chat.completions
    .create({ model: "tgi-8k", max_tokens: 32000, messages: [{ role: "user", content: words(CONTEXT + 10) }] })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(422);
  expect((error as Error).message).toMatch(/must be <= 8192/);
  expect(budgetsSent(since)).toEqual([32000]);
});

it("opencode's provider (the AI SDK on openai-compatible, maxOutputTokens 32000) gets its answer", async () => {
  const out = await runAiSdk(
    `const r = await generateText({ model: provider("vllm-8k"), prompt: "${words(50)}", maxOutputTokens: 32000 });
     return { text: r.text, usage: r.usage };`,
    { baseURL: server.baseURL, key: KEY },
  );
  expect(out.text).toMatch(/./);
  expect(out.usage.inputTokens + out.usage.outputTokens).toBeLessThanOrEqual(CONTEXT);
});
