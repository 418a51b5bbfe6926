import { ChatOpenAI } from "@langchain/openai";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { startOpenAiServer, startRig, type HandlerRig, type OpenAiServer } from "../helpers/handlers";
import { runAiSdk } from "../helpers/ai-sdk";

// The clients people use, configured as their docs say: a base URL and a key, nothing else.
const KEY = "tools-test-key";
let rig: HandlerRig;
let server: OpenAiServer;
let baseURL: string;

beforeAll(async () => {
  rig = await startRig();
  server = await startOpenAiServer(rig, KEY);
  baseURL = server.baseURL;
});
afterAll(async () => {
  await server.stop();
  await rig.stop();
});

describe("LangChain's ChatOpenAI", () => {
  const chat = () => new ChatOpenAI({ model: "mistral", apiKey: KEY, configuration: { baseURL }, maxRetries: 0 });

  it("answers a conversation", async () => {
    const reply = await chat().invoke([
      ["system", "Be brief."],
      ["human", "Say hello"],
    ]);
    expect(reply.content).toBe(VOCABULARY.join(""));
  });

  it("streams the answer in pieces", async () => {
    const pieces: string[] = [];
    for await (const piece of await chat().stream("Say hello")) pieces.push(String(piece.content));
    expect(pieces.join("")).toBe(VOCABULARY.join(""));
    expect(pieces.filter(Boolean).length).toBeGreaterThan(3);
  });

  it("sends content as parts and gets the same answer", async () => {
    const reply = await chat().invoke([{ role: "user", content: [{ type: "text", text: "Say hello" }] }]);
    expect(reply.content).toBe(VOCABULARY.join(""));
    const sent = rig.emulator.calls.at(-1)!.body as { messages: { content: string }[] };
    expect(sent.messages.at(-1)!.content).toBe("Say hello");
  });

  it("raises the authentication error for a wrong key", async () => {
    const stranger = new ChatOpenAI({ model: "mistral", apiKey: "wrong", configuration: { baseURL }, maxRetries: 0 });
    await expect(stranger.invoke("hi")).rejects.toMatchObject({ status: 401 });
  });
});

const aiSdk = (call: string) => runAiSdk(call, { baseURL, key: KEY });

describe("the Vercel AI SDK with @ai-sdk/openai-compatible", () => {
  it("generates text", async () => {
    const result = await aiSdk(
      `const r = await generateText({ model: provider("mistral"), prompt: "Say hello", maxRetries: 0 }); return { text: r.text, finishReason: r.finishReason, usage: r.usage };`,
    );
    expect(result.text).toBe(VOCABULARY.join(""));
    expect(result.finishReason).toBe("stop");
    expect(result.usage.outputTokens).toBe(VOCABULARY.length);
  });

  it("streams text in pieces", async () => {
    const pieces: string[] = await aiSdk(
      `const pieces = []; for await (const p of streamText({ model: provider("mistral"), prompt: "Say hello", maxRetries: 0 }).textStream) pieces.push(p); return pieces;`,
    );
    expect(pieces.join("")).toBe(VOCABULARY.join(""));
    expect(pieces.length).toBeGreaterThan(3);
  });

  it("fails with 401 for a wrong key", async () => {
    const error = await aiSdk(
      `process.env.KEY = "wrong"; try { await generateText({ model: createOpenAICompatible({ name: "x", baseURL: process.env.BASE_URL, apiKey: "wrong" })("mistral"), prompt: "hi", maxRetries: 0 }); return null; } catch (e) { return { status: e.statusCode }; }`,
    );
    expect(error).toEqual({ status: 401 });
  });
});
