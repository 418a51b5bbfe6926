import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { bundleWithData } from "../../packaging/bundle";
import { SETTINGS_FILE } from "../../contract/routes";
import { budgetPartition, periodOf, type BudgetSettings } from "../../contract/budget";
import { liveTally, reservationsOf, type Item } from "../../contract/budget-item";
import { readStreamIntegration } from "../../testing/api-gateway-view";
import { LambdaProcess } from "../../testing/lambda-process";
import { SageMakerEmulator } from "../../local/emulator/sagemaker-emulator";
import { contextsOf } from "../../local/emulator/context-limit";
import { startStateTable, type LocalStateTable } from "../../local/state-table";
import { apiEvent, sseEvents } from "../helpers/handlers";
import { runtimeClientOrSkip } from "../helpers/real-runtime";

// Token budgets in the OpenAI function's zip as deployed, run by AWS's Lambda runtime interface
// client: a refusal, a settlement, and a function killed mid-stream whose reservation is released.
const client = runtimeClientOrSkip();
const suite = client ? describe : describe.skip;

const MODELS = { m: { endpoint: "ep-m", chat: "messages", stream: true, contextTokens: 1024 } } as const;
const LEASE_SECONDS = 3;
const BUDGET = 2000;

let table: LocalStateTable;
let emulator: SageMakerEmulator;
let db: DynamoDBClient;
let chat: LambdaProcess | undefined;
const zip = () => {
  const budgets: BudgetSettings = {
    table: table.name,
    leaseSeconds: LEASE_SECONDS,
    consumers: { team: { tokens: BUDGET, period: "day" } },
  };
  return bundleWithData("openai", { [SETTINGS_FILE]: JSON.stringify({ models: MODELS, budgets }) }).zipPath;
};
const startChat = () =>
  LambdaProcess.start(client!, {
    zipPath: zip(),
    functionName: "llm-api-test-chat",
    environment: {
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: emulatorUrl,
      AWS_ENDPOINT_URL_DYNAMODB: table.url,
      AWS_ACCESS_KEY_ID: "emulator",
      AWS_SECRET_ACCESS_KEY: "emulator",
    },
  });
let emulatorUrl: string;

beforeAll(async () => {
  if (!client) return;
  table = await startStateTable("llm-api-v1-state", "us-east-1");
  emulator = new SageMakerEmulator(["ep-m"], { tokenDelayMs: 5 }, {}, contextsOf(Object.values(MODELS)));
  emulatorUrl = await emulator.start();
  db = new DynamoDBClient({
    endpoint: table.url,
    region: "us-east-1",
    credentials: { accessKeyId: "l", secretAccessKey: "l" },
  });
  chat = await startChat();
}, 60_000);
afterAll(async () => {
  db?.destroy();
  await Promise.all([chat?.stop(), emulator?.stop(), table?.stop()]);
});

/** A chat request as API Gateway passes it, after the authorizer named the key's consumer. */
const asTeam = (body: unknown) => {
  const event = apiEvent("POST", "/v1/chat/completions", body);
  return {
    ...event,
    requestContext: { ...event.requestContext, authorizer: { consumer: "team", models: JSON.stringify(["m"]) } },
  };
};
const ask = (maxTokens: number, stream = true) => ({
  model: "m",
  messages: [{ role: "user", content: "hi" }],
  max_tokens: maxTokens,
  stream,
});
const item = async () => {
  const key = { pk: { S: budgetPartition("team") }, sk: { S: periodOf("day", new Date()).key } };
  return ((await db.send(new GetItemCommand({ TableName: table.name, Key: key, ConsistentRead: true }))).Item ??
    {}) as Item;
};
const now = () => Math.floor(Date.now() / 1000);

suite("token budgets under AWS's Lambda runtime client", () => {
  it("settles an answer with the tokens the model reported, and says what is left", async () => {
    const answer = await readStreamIntegration(await chat!.invoke(asTeam(ask(16)), { timeoutMs: 20_000 }));
    expect(answer.statusCode).toBe(200);
    const usage = sseEvents(answer.body).flatMap((e) => (e.data?.usage ? [e.data.usage] : []));
    expect(usage).toEqual([]); // not asked for, so not shown: the function asked the model for it all the same
    // The function settles once its stream is over, within the same invocation.
    await waitFor(async () => reservationsOf(await item()).length === 0);
    const tally = liveTally(await item(), now());
    expect(tally.reserved).toBe(0);
    expect(tally.used).toBeGreaterThan(0);
    expect(tally.used).toBeLessThanOrEqual(Buffer.byteLength(JSON.stringify(ask(16))) + 256 + 16);
    expect(Number(answer.headers["x-budget-remaining-tokens"])).toBeLessThan(BUDGET);
  });

  it("makes a request wait while another holds the room, serves it once the holder is killed and its lease runs out, and never calls the model meanwhile", async () => {
    emulator.behave("ep-m", { endless: true, tokenDelayMs: 20 });
    // Handled from the start: it breaks off when its process is killed below.
    const held = chat!.invoke(asTeam(ask(1000)), { timeoutMs: 30_000 }).catch((e: unknown) => e);
    // The first holds about 1,024 tokens (its context) until it ends, renewing its lease.
    await waitFor(async () => reservationsOf(await item()).length === 1);
    const second = await startChat();
    try {
      const calls = emulator.calls.length;
      // Room held by a running answer is not a spent budget: the request waits (here about 4 s, what
      // its 20 s leave after 15 s for the answer), then gets a 429 that clients retry.
      const busy = await readStreamIntegration(await second.invoke(asTeam(ask(1000)), { timeoutMs: 20_000 }));
      expect(busy.statusCode).toBe(429);
      expect(JSON.parse(busy.body).error).toMatchObject({ type: "rate_limit_error", code: "budget_busy" });
      expect(busy.headers["retry-after"]).toBe("2");
      expect(busy.headers["x-should-retry"]).toBeUndefined();
      expect(emulator.calls.length).toBe(calls);

      // The function holding the reservation is killed mid-stream: nothing settles or renews it.
      await chat!.stop();
      expect(String((await held) as Error)).toMatch(/aborted|broke off|ECONNRESET/);
      chat = second;
      const [lapsing] = reservationsOf(await item());
      expect(lapsing).toBeDefined();
      emulator.behave("ep-m", {});
      const before = liveTally(await item(), lapsing.until + 1);
      // Sent at once: it waits until the lease runs out (LEASE_SECONDS here, RESERVATION_LEASE_SECONDS deployed), releases it, and is served.
      const next = await readStreamIntegration(await chat.invoke(asTeam(ask(1000)), { timeoutMs: 25_000 }));
      expect(next.statusCode).toBe(200);
      expect(now()).toBeLessThanOrEqual(lapsing.until + 3);
      await waitFor(async () => reservationsOf(await item()).length === 0);
      const after = await item();
      // The killed answer's reservation is given back, not charged: used grew by this answer only.
      const grown = liveTally(after, now()).used - before.used;
      expect(grown).toBeGreaterThan(0);
      expect(grown).toBeLessThanOrEqual(1024);
      expect(Number(after.c?.N)).toBe(liveTally(after, now()).used);
    } finally {
      if (chat !== second) await second.stop();
    }
  }, 60_000);

  it("refuses a request the budget has no room for with 429 insufficient_quota, without retries and without calling the model", async () => {
    const used = liveTally(await item(), now()).used;
    // Spend all but 100 tokens of it, as earlier answers would have.
    await db.send(
      new UpdateItemCommand({
        TableName: table.name,
        Key: { pk: { S: budgetPartition("team") }, sk: { S: periodOf("day", new Date()).key } },
        UpdateExpression: "SET u = :u, c = :u",
        ExpressionAttributeValues: { ":u": { N: String(BUDGET - 100) } },
      }),
    );
    expect(used).toBeLessThan(BUDGET - 100);
    const calls = emulator.calls.length;
    const started = Date.now();
    const refused = await readStreamIntegration(await chat!.invoke(asTeam(ask(200)), { timeoutMs: 20_000 }));
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body).error).toMatchObject({ type: "insufficient_quota", code: "insufficient_quota" });
    expect(JSON.parse(refused.body).error.message).toMatch(
      /for this day is spent: 1900 of 2000 tokens are used or reserved/,
    );
    expect(refused.headers["x-should-retry"]).toBe("false");
    // Refused at once: a spent budget is not waited on.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(emulator.calls.length).toBe(calls);
  });
});

async function waitFor(ready: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
