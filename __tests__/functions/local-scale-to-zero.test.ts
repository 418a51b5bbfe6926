import OpenAI from "openai";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { ROOT } from "../helpers/synth";

/**
 * `npm run local -- --config examples/scale-to-zero.json --cold-start S`: the models run as inference
 * components, two of them on one shared endpoint with different servers; each answers as its own
 * server does, and a model woken from zero answers 503 with Retry-After until its copy is up.
 */
jest.setTimeout(30_000);
const WAKE_S = 0.4;
let stack: LocalStack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startLocalStack({
    config: loadConfig(join(ROOT, "examples", "scale-to-zero.json")),
    port: 0,
    apiKey: "k",
    emulator: {},
    coldStartSeconds: WAKE_S,
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

  it("wakes each model on its first request (503, Retry-After), then serves it as its own server does, on the shared endpoint too", async () => {
    for (const model of ["llama-8b", "qwen-14b", "qwen-7b"]) {
      const cold = await ask(model).catch((e: unknown) => e);
      expect([model, (cold as InstanceType<typeof OpenAI.APIError>).status, (cold as InstanceType<typeof OpenAI.APIError>).code]).toEqual([
        model,
        503,
        "model_starting",
      ]);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * WAKE_S));
    for (const model of ["llama-8b", "qwen-14b", "qwen-7b"]) {
      const answer = await ask(model);
      expect([model, answer.choices[0].finish_reason, answer.choices[0].message.content?.length]).toEqual([model, "stop", expect.any(Number)]);
    }
    // Streamed, the servers differ on the wire (TGI's SSE, LMI's JSON lines): each is read as its own.
    for (const model of ["llama-8b", "qwen-14b"]) {
      const stream = await client.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: "hi" }] });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
      expect([model, text.length > 5]).toEqual([model, true]);
    }
    const embedded = await client.embeddings.create({ model: "bge-base", input: ["a", "b"] }).catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000 * WAKE_S));
      return client.embeddings.create({ model: "bge-base", input: ["a", "b"] });
    });
    expect(embedded.data).toHaveLength(2);
  });
});
