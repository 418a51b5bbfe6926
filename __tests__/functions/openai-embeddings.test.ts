import { OpenAIEmbeddings } from "@langchain/openai";
import { EMBEDDING_DIMENSIONS, embed } from "../../local/emulator/serving-container";
import { useOpenAiFixture } from "../helpers/openai-fixture";
import { runAiSdk } from "../helpers/ai-sdk";

// /v1/embeddings on a Text Embeddings Inference model, through the clients people use with a base URL and a key only.
const KEY = "embeddings-key";
const f = useOpenAiFixture(KEY);

/** What TEI answers for these texts, as float32 (the precision base64 carries). */
const expected = (texts: string[]) => (embed({ inputs: texts }) as number[][]).map((v) => v.map((x) => Math.fround(x)));

describe("the openai client", () => {
  it("gets one vector per input, floats or base64 (the client's default, which it decodes), in order", async () => {
    const texts = ["first text", "second, longer text"];
    const floats = await f.openai.embeddings.create({ model: "bge", input: texts, encoding_format: "float" });
    expect(floats.data.map((d) => [d.object, d.index])).toEqual([
      ["embedding", 0],
      ["embedding", 1],
    ]);
    expect(floats.data.map((d) => d.embedding)).toEqual(expected(texts));
    const decoded = await f.openai.embeddings.create({ model: "bge", input: texts });
    expect(decoded.data.map((d) => d.embedding)).toEqual(expected(texts));
    // What the backend got: TEI's {inputs}.
    expect(f.rig.emulator.calls.at(-1)!.body).toEqual({ inputs: texts });
  });

  it("takes a single string", async () => {
    const one = await f.openai.embeddings.create({ model: "bge", input: "alone", encoding_format: "float" });
    expect(one.data.map((d) => d.embedding.length)).toEqual([EMBEDDING_DIMENSIONS]);
  });

  it("refuses a chat model for embeddings and an embedding model for chat or completions, naming the right route", async () => {
    const onChatModel = await f.openai.embeddings.create({ model: "mistral", input: "x" }).catch((e: unknown) => e);
    expect([
      (onChatModel as { status: number }).status,
      (onChatModel as { error: { message: string } }).error.message,
    ]).toEqual([400, expect.stringContaining("Embedding models here: bge")]);
    const chat = await f.openai.chat.completions
      .create({ model: "bge", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect([(chat as { status: number }).status, (chat as { error: { message: string } }).error.message]).toEqual([
      400,
      expect.stringContaining("/v1/embeddings"),
    ]);
    const completion = await f.openai.completions.create({ model: "bge", prompt: "hi" }).catch((e: unknown) => e);
    expect((completion as { status: number }).status).toBe(400);
  });

  it("refuses token arrays, empty input and dimensions by name", async () => {
    for (const [extra, field] of [
      [{ input: [[1, 2, 3]] }, "input"],
      [{ input: "" }, "input"],
      [{ input: "x", dimensions: 4 }, "dimensions"],
    ] as const) {
      const error = await f.openai.embeddings
        .create({ model: "bge", ...(extra as { input: string }) })
        .catch((e: unknown) => e);
      expect([
        field,
        (error as { status: number }).status,
        (error as { error: { param: string } }).error.param,
      ]).toEqual([field, 400, field]);
    }
  });
});

describe("LangChain's OpenAIEmbeddings", () => {
  it("embeds documents and a query", async () => {
    const embeddings = new OpenAIEmbeddings({
      model: "bge",
      apiKey: KEY,
      configuration: { baseURL: f.server.baseURL },
      maxRetries: 0,
    });
    expect(await embeddings.embedDocuments(["a", "bb"])).toEqual(expected(["a", "bb"]));
    expect(await embeddings.embedQuery("query")).toEqual(expected(["query"])[0]);
  });
});

describe("the Vercel AI SDK", () => {
  it("embeds with embed and embedMany", async () => {
    const out = await runAiSdk(
      `const one = await embed({ model: provider.textEmbeddingModel("bge"), value: "query", maxRetries: 0 });
       const many = await embedMany({ model: provider.textEmbeddingModel("bge"), values: ["a", "bb"], maxRetries: 0 });
       return { one: one.embedding, many: many.embeddings };`,
      { baseURL: f.server.baseURL, key: KEY },
      "embed, embedMany",
    );
    expect(out).toEqual({ one: expected(["query"])[0], many: expected(["a", "bb"]) });
  });
});

describe("batches larger than TEI takes in one call", () => {
  const texts = Array.from({ length: 100 }, (_, i) => `document number ${i}`);
  /** The backend calls of the last request: TEI's {inputs}, at most 32 each. */
  const callsSince = (before: number) =>
    f.rig.emulator.calls.slice(before).map((c) => (c.body.inputs as string[]).length);

  it("LangChain's embedDocuments of 100 texts (512 per request by default): one request, four model calls, in order", async () => {
    const embeddings = new OpenAIEmbeddings({
      model: "bge",
      apiKey: KEY,
      configuration: { baseURL: f.server.baseURL },
      maxRetries: 0,
    });
    const before = f.rig.emulator.calls.length;
    expect(await embeddings.embedDocuments(texts)).toEqual(expected(texts));
    expect(callsSince(before).sort((a, b) => b - a)).toEqual([32, 32, 32, 4]);
  });

  it("the AI SDK's embedMany of 100 values with its default batch size", async () => {
    const out = await runAiSdk(
      `const many = await embedMany({ model: provider.textEmbeddingModel("bge"), values: ${JSON.stringify(texts)}, maxRetries: 0 });
       return many.embeddings;`,
      { baseURL: f.server.baseURL, key: KEY },
      "embedMany",
    );
    expect(out).toEqual(expected(texts));
  });

  it("2,048 inputs pass, 2,049 are refused by name", async () => {
    const many = Array.from({ length: 2048 }, (_, i) => `t${i}`);
    const answer = await f.openai.embeddings.create({ model: "bge", input: many, encoding_format: "float" });
    expect(answer.data.map((d) => d.index)).toEqual(many.map((_, i) => i));
    expect(answer.data[2047].embedding).toEqual(expected(["t2047"])[0]);
    const error = await f.openai.embeddings
      .create({ model: "bge", input: [...many, "one more"] })
      .catch((e: unknown) => e);
    expect([(error as { status: number }).status, (error as { param: string }).param]).toEqual([400, "input"]);
  });

  it("a failing call fails the request with the model's status, and starts no further call", async () => {
    f.rig.emulator.behave("ep-bge", { modelStatus: 500 });
    try {
      const before = f.rig.emulator.calls.length;
      // Ten calls' worth of inputs.
      const error = await f.openai.embeddings
        .create({ model: "bge", input: [...texts, ...texts, ...texts] })
        .catch((e: unknown) => e);
      expect([(error as { status: number }).status, (error as { code: string }).code]).toEqual([424, "model_error"]);
      // The first calls fail; none starts after a failure is seen (at most one round of the calls in flight).
      expect(f.rig.emulator.calls.length - before).toBeLessThanOrEqual(4);
    } finally {
      f.rig.emulator.behave("ep-bge", {});
    }
  });
});
