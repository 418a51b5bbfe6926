import OpenAI from "openai";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { localConfig, post } from "../helpers/local";
import { ChatOpenAI } from "@langchain/openai";
import { runAiSdk } from "../helpers/ai-sdk";
import { budgetPartition, periodOf } from "../../contract/budget";
import { liveTally, type Item } from "../../contract/budget-item";

// Token budgets per consumer against the local stack: the handlers keep them in a DynamoDB-compatible
// server (dynalite) through the same calls as deployed, and the openai SDK sees what a client would.
// One request of the concurrent test: a prompt of 300 one-letter words (the emulator counts words) and
// an answer of 10 tokens, so 310 tokens served; its reservation is its body's bytes + 256 + 10, about
// three times that. The budget is 20 requests' worth: a gateway that counts after the fact serves 100.
const PROMPT = "a ".repeat(300).trim();
const REQUEST = {
  model: "alpha",
  messages: [{ role: "user" as const, content: PROMPT }],
  max_tokens: 10,
  stream: true as const,
  stream_options: { include_usage: true },
};
const SERVED_EACH = 310;
const RESERVED_EACH = Buffer.byteLength(JSON.stringify(REQUEST)) + 256 + 10;
const BUDGET = 20 * SERVED_EACH;
const hf = {
  huggingFace: { modelId: "a/b", maxInputTokens: 512, maxTotalTokens: 1024 },
  instance: { type: "ml.g5.2xlarge" },
};

describe("token budgets", () => {
  let stack: LocalStack;
  let db: DynamoDBClient;
  beforeAll(async () => {
    process.env.LOG_LEVEL = "silent";
    const config = localConfig({
      models: [
        { name: "alpha", ...hf },
        { name: "beta", ...hf },
      ],
      api: {
        consumers: [
          // Three consumers with the same budget: the concurrent run below, three times over.
          ...["team-a", "team-a2", "team-a3"].map((name) => ({ name, budget: { tokens: BUDGET, period: "day" } })),
          { name: "team-b" },
          { name: "team-c", budget: { tokens: 100_000, period: "month", models: { beta: 600 } } },
          { name: "team-d", budget: { tokens: 1500, period: "day" } },
          { name: "team-e", budget: { tokens: 100, period: "month" } },
        ],
      },
    });
    stack = await startLocalStack({
      config,
      port: 0,
      emulator: { firstTokenDelayMs: 5, tokenDelayMs: 2 },
      consumerKeys: {
        "team-a": "key-a",
        "team-a2": "key-a2",
        "team-a3": "key-a3",
        "team-b": "key-b",
        "team-c": "key-c",
        "team-d": "key-d",
        "team-e": "key-e",
      },
    });
    db = new DynamoDBClient({
      endpoint: stack.stateTable!.url,
      region: "us-east-1",
      credentials: { accessKeyId: "l", secretAccessKey: "l" },
    });
  });
  afterAll(async () => {
    db.destroy();
    await stack.stop();
  });

  const client = (key: string) => new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: key });
  const tally = async (consumer: string, period: "day" | "month") => {
    const key = { pk: { S: budgetPartition(consumer) }, sk: { S: periodOf(period, new Date()).key } };
    const { Item } = await db.send(
      new GetItemCommand({ TableName: stack.stateTable!.name, Key: key, ConsistentRead: true }),
    );
    return liveTally((Item ?? {}) as Item, Math.floor(Date.now() / 1000));
  };

  /** Once every answer has settled: a function settles after its answer's last byte went out. */
  const settled = async (consumer: string, period: "day" | "month") => {
    for (let i = 0; i < 100; i++) {
      const t = await tally(consumer, period);
      if (t.reserved === 0) return t;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${consumer}'s reservations never settled`);
  };

  it.each([
    ["team-a", "key-a"],
    ["team-a2", "key-a2"],
    ["team-a3", "key-a3"],
  ])(
    "never serves %s more than its budget over 100 concurrent streams, and refuses the rest with 429 insufficient_quota",
    async (consumer, key) => {
      const openai = client(key);
      const one = async () => {
        const stream = await openai.chat.completions.create(REQUEST);
        let total = 0;
        for await (const chunk of stream) total += chunk.usage?.total_tokens ?? 0;
        return total;
      };
      const results = await Promise.allSettled(Array.from({ length: 100 }, one));
      const served = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
      expect(served.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      expect(served.every((t) => t === SERVED_EACH)).toBe(true);
      const total = served.reduce((a, b) => a + b, 0);
      expect(total).toBeLessThanOrEqual(BUDGET);
      // Requests waited for running answers to settle rather than be refused: the budget was spent to
      // within one reservation, and only then were the rest refused as spent.
      expect(total + RESERVED_EACH).toBeGreaterThan(BUDGET);
      for (const e of refused) {
        expect(e).toBeInstanceOf(OpenAI.RateLimitError);
        expect(e).toMatchObject({ status: 429, code: "insufficient_quota", type: "insufficient_quota" });
        expect((e as Error).message).toMatch(/for this day is spent: .* It resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
      }
      // What the table holds is what was served: settled, nothing left reserved.
      const after = await settled(consumer, "day");
      expect(after).toMatchObject({ used: served.reduce((a, b) => a + b, 0), reserved: 0 });
    },
  );

  it("tells a consumer with a budget what is left, and one without pays no call to the store", async () => {
    const before = await tally("team-c", "month");
    const withBudget = await post(
      `${stack.url}/v1/chat/completions`,
      { model: "alpha", messages: [{ role: "user", content: "hi" }], max_tokens: 8 },
      {
        authorization: "Bearer key-c",
      },
    );
    expect(withBudget.status).toBe(200);
    const left = Number(withBudget.headers.get("x-budget-remaining-tokens"));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(100_000 - before.used);
    const calls: string[] = [];
    const real = globalThis.fetch;
    const spy = jest.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      if (String(input instanceof Request ? input.url : input).startsWith(stack.stateTable!.url))
        calls.push(String(input));
      return real(input, init);
    });
    try {
      const without = await post(
        `${stack.url}/v1/chat/completions`,
        { model: "alpha", messages: [{ role: "user", content: "hi" }] },
        {
          authorization: "Bearer key-b",
        },
      );
      expect(without.status).toBe(200);
      expect(without.headers.get("x-budget-remaining-tokens")).toBeNull();
    } finally {
      spy.mockRestore();
    }
    expect(calls).toEqual([]);
  });

  it("holds a model's own budget within the total, naming the model when it is spent", async () => {
    const openai = client("key-c");
    const ask = (model: string) =>
      openai.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 100 });
    let refused: unknown;
    for (let i = 0; i < 20 && !refused; i++)
      refused = await ask("beta").then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as Error).message).toContain('budget for "beta"');
    expect((await settled("team-c", "month")).models.beta.used).toBeLessThanOrEqual(600);
    // The total still has room: another model answers.
    expect((await ask("alpha")).choices[0].message.content).toEqual(expect.any(String));
  });

  it("charges /invoke what it reported, its prompt at its bound", async () => {
    const before = await tally("team-c", "month");
    const answer = await post(
      `${stack.url}/alpha/invoke`,
      { inputs: "hi", parameters: { max_new_tokens: 5 } },
      { authorization: "Bearer key-c" },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-budget-remaining-tokens")).toMatch(/^\d+$/);
    const after = await settled("team-c", "month");
    // The buffered generate answer counts its tokens but not the prompt's: the prompt is charged at its bound.
    expect(after.used - before.used).toBeGreaterThan(0);
    expect(after.used - before.used).toBeLessThanOrEqual(
      Buffer.byteLength(JSON.stringify({ inputs: "hi", parameters: { max_new_tokens: 5 } })) + 256 + 5,
    );
    expect(after.reserved).toBe(0);
  });

  it("releases a reservation whose function stopped (its lease ran out) when a request needs the room, without charging it", async () => {
    const now = Math.floor(Date.now() / 1000);
    // What a function stopped mid-answer leaves: 1,400 of 1,500 tokens reserved, its lease run out a second ago.
    const stale = { n: { N: "1400" }, m: { S: "alpha" }, until: { N: String(now - 1) } };
    const key = { pk: { S: budgetPartition("team-d") }, sk: { S: periodOf("day", new Date()).key } };
    await db.send(
      new PutItemCommand({
        TableName: stack.stateTable!.name,
        Item: { ...key, c: { N: "1400" }, "c:alpha": { N: "1400" }, "r:stopped": { M: stale } },
      }),
    );
    expect(await tally("team-d", "day")).toMatchObject({ used: 0, reserved: 0 });
    const answer = await client("key-d").chat.completions.create({
      model: "alpha",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 20,
    });
    const used = answer.usage!.total_tokens;
    await settled("team-d", "day");
    const { Item } = await db.send(
      new GetItemCommand({ TableName: stack.stateTable!.name, Key: key, ConsistentRead: true }),
    );
    expect(Item!["r:stopped"]).toBeUndefined();
    expect([Item!.c.N, Item!.u.N, Item!["c:alpha"].N]).toEqual([String(used), String(used), String(used)]);
  });

  it("is told apart from a rate limit by LangChain and the AI SDK too: 429 with code insufficient_quota", async () => {
    const chat = new ChatOpenAI({ model: "alpha", apiKey: "key-e", configuration: { baseURL: `${stack.url}/v1` } });
    await expect(chat.invoke("hi")).rejects.toMatchObject({ status: 429, code: "insufficient_quota" });
    // The AI SDK retries every 429 (@ai-sdk/provider's isRetryable): without maxRetries 0 it asks twice more.
    const seen = await runAiSdk(
      `try { await generateText({ model: provider("alpha"), prompt: "hi", maxRetries: 0 }); return "answered"; }
       catch (e) { return { status: e.statusCode, body: JSON.parse(e.responseBody) }; }`,
      { baseURL: `${stack.url}/v1`, key: "key-e" },
    );
    expect(seen).toMatchObject({
      status: 429,
      body: { error: { type: "insufficient_quota", code: "insufficient_quota" } },
    });
  });
});
