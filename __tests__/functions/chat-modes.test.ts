import { parseConfig } from "../../config/load";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { localConfig, post } from "../helpers/local";

// models[].chat: a base model without a chat template gets its conversation as a prompt, or no chat at all.
describe("chat modes", () => {
  let stack: LocalStack;
  const hf = { huggingFace: { modelId: "openlm-research/open_llama_7b" }, instance: { type: "ml.g5.2xlarge" } };
  beforeAll(async () => {
    process.env.LOG_LEVEL = "silent";
    const config = localConfig({
      models: [
        { name: "default", ...hf },
        { name: "base", ...hf, chat: "prompt" },
        { name: "nochat", ...hf, chat: "none" },
      ],
    });
    stack = await startLocalStack({ config, port: 0, apiKey: "k", emulator: {} });
  });
  afterAll(() => stack.stop());

  const chat = (model: string) =>
    post(
      `${stack.url}/v1/chat/completions`,
      { model, messages: [{ role: "user", content: "hi" }] },
      { "x-api-key": "k" },
    );
  const sent = () => stack.emulator!.calls.at(-1)!.body;

  it("uses the backend's chat API by default, and a rendered prompt for a model set to prompt", async () => {
    expect((await chat("default")).status).toBe(200);
    expect(sent()).toHaveProperty("messages");
    expect((await chat("base")).status).toBe(200);
    expect(sent()).toMatchObject({ inputs: "User: hi\nAssistant:" });
  });

  it("refuses chat on a model set to none, pointing to the routes it has, which still work", async () => {
    const res = await chat("nochat");
    expect([res.status, (await res.json()).error.message]).toEqual([400, expect.stringContaining("/v1/completions")]);
    expect(
      (await post(`${stack.url}/v1/completions`, { model: "nochat", prompt: "hi" }, { "x-api-key": "k" })).status,
    ).toBe(200);
  });

  it("refuses messages where the backend has no chat API, naming the field and the fix", () => {
    expect(() =>
      parseConfig({
        region: "us-east-1",
        models: [{ name: "m", huggingFace: { modelId: "a/b" }, serverless: { memorySizeMb: 2048 }, chat: "messages" }],
      }),
    ).toThrow('models[0].chat: "messages" needs a backend with a chat API');
  });
});
