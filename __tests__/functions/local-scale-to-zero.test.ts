import OpenAI from "openai";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { ROOT } from "../helpers/synth";
import { resetWakes } from "../../functions/lib/wake";

/**
 * `npm run local -- --config examples/scale-to-zero.json --cold-start S`: the models run as inference
 * components, two of them on one shared endpoint with different servers; each answers as its own
 * server does. A model woken from zero holds its first requests until its copy is up, counting them
 * in the stage table (here dynalite, DynamoDB's protocol on loopback): past the cap, a request is
 * refused at once.
 */
jest.setTimeout(60_000);
const WAKE_S = 1;
let stack: LocalStack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startLocalStack({
    config: loadConfig(join(ROOT, "examples", "scale-to-zero.json")),
    port: 0,
    apiKey: "k",
    emulator: {},
    coldStartSeconds: WAKE_S,
    wake: { retryMs: 200, heartbeatMs: 500 },
  });
  client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: "k", maxRetries: 0 });
});
afterAll(() => stack.stop());

const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });

describe("the scale-to-zero example, locally", () => {
  it("lists every model, placed or alone", async () => {
    const models = (await client.models.list()).data.map((m) => m.id).sort();
    expect(models).toEqual(["bge-base", "llama-8b", "qwen-14b", "qwen-7b"]);
  });

  it("answers each model's first request once its copy is up, on the shared endpoint too, each as its own server does", async () => {
    const answers = await Promise.all(["llama-8b", "qwen-14b", "qwen-7b"].map(ask));
    expect(answers.map((a) => a.choices[0].finish_reason)).toEqual(["stop", "stop", "stop"]);
    expect(stack.emulator!.wakeCalls.map((c) => c.component).sort()).toEqual(
      [
        expect.stringMatching(/^idle-free-v1-qwen-7b-/),
        expect.stringMatching(/^idle-free-v1-shared-gpu-llama-8b-/),
        expect.stringMatching(/^idle-free-v1-shared-gpu-qwen-14b-/),
      ].sort(),
    );
    // Streamed, the servers differ on the wire (TGI's SSE, LMI's JSON lines): each is read as its own.
    for (const model of ["llama-8b", "qwen-14b"]) {
      const stream = await client.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
      expect([model, text.length > 5]).toEqual([model, true]);
    }
    expect((await client.embeddings.create({ model: "bge-base", input: ["a", "b"] })).data).toHaveLength(2);
  });

  it("holds at most heldRequestsPerModel (50) requests of a model at once: the 51st gets a 503 at once", async () => {
    // Asleep again: a container asks for a copy at most every 30 s, and this one just woke it.
    resetWakes();
    stack.emulator!.behave("idle-free-v1-shared-gpu", {
      firstTokenDelayMs: 150,
      tokenDelayMs: 40,
      zeroCopies: { wakeAfterMs: 5000, alarmAfterMs: 60_000 },
    });
    const held = Array.from({ length: 50 }, () => fetchStream("llama-8b"));
    const heads = await Promise.all(held.map((h) => h.head));
    expect(heads.every((status) => status === 200)).toBe(true);
    const started = performance.now();
    const refused = await ask("llama-8b").catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect([
      refused instanceof OpenAI.APIError && refused.status,
      (refused as InstanceType<typeof OpenAI.APIError>).code,
    ]).toEqual([503, "model_starting"]);
    expect(performance.now() - started).toBeLessThan(1000);
    // The held ones get their answers once the copy is up, and give their places back.
    const bodies = await Promise.all(held.map((h) => h.body));
    expect(bodies.every((b) => b.includes("[DONE]"))).toBe(true);
  });

  it("a client that leaves while held gives its place back and stops the hold", async () => {
    resetWakes();
    stack.emulator!.behave("idle-free-v1-qwen-7b", { zeroCopies: { wakeAfterMs: 60_000, alarmAfterMs: 60_000 } });
    const controller = new AbortController();
    const response = await fetch(`${stack.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ model: "qwen-7b", stream: true, messages: [{ role: "user", content: "hi" }] }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^: qwen-7b is starting/);
    const calls = stack.emulator!.calls.length;
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // No more tries of the model once the client left (retries come every 200 ms here).
    expect(stack.emulator!.calls.length).toBe(calls);
  });
});

/** A streamed chat request: its status as soon as it comes, then its whole body. */
function fetchStream(model: string): { head: Promise<number>; body: Promise<string> } {
  const response = fetch(`${stack.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer k", "content-type": "application/json" },
    body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "hi" }] }),
  });
  return { head: response.then((r) => r.status), body: response.then((r) => r.text()) };
}
