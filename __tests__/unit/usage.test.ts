import { join } from "node:path";
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { startStateTable, type LocalStateTable } from "../../local/state-table";
import { budgetPartition, periodOf } from "../../contract/budget";
import { usage } from "../../bin/usage-command";
import { ROOT } from "../helpers/synth";

// npm run usage against a CloudWatch answered by the SDK's own mock, for the central-api example's consumers.
const cloudwatch = mockClient(CloudWatchClient);
const CONFIG = join(ROOT, "examples", "central-api.json");

/** Metric sums by consumer, model and metric; anything not listed had no traffic. */
const FIXTURE: Record<string, number> = {
  "search-team/llama-8b/Requests": 100,
  "search-team/llama-8b/InputTokens": 30_000,
  "search-team/llama-8b/OutputTokens": 10_000,
  "search-team/bge-small/Requests": 400,
  "support-bot/llama-8b/Requests": 300,
  "support-bot/llama-8b/InputTokens": 90_000,
  "support-bot/llama-8b/OutputTokens": 30_000,
};

// The stage table, on dynalite: what the functions wrote for search-team this month.
let table: LocalStateTable;
let dynamodb: DynamoDBClient;
beforeAll(async () => {
  table = await startStateTable("central-ml-prod-state", "us-east-1");
  dynamodb = new DynamoDBClient({
    endpoint: table.url,
    region: "us-east-1",
    credentials: { accessKeyId: "l", secretAccessKey: "l" },
  });
});
afterAll(async () => {
  dynamodb.destroy();
  await table.stop();
});
const clients = () => ({ cloudwatch: new CloudWatchClient({ region: "us-east-1" }), dynamodb });
/** A Markdown table's rows, from the line after its header. */
const rowsOf = (report: string, header: RegExp) => {
  const lines = report.split("\n");
  const start = lines.findIndex((l) => header.test(l));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith("|"));
  return lines.slice(start + 2, end < 0 ? undefined : end).map((line) =>
    line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim()),
  );
};

beforeEach(() => {
  cloudwatch.reset();
  cloudwatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: MetricDataQuery[] }) => ({
    MetricDataResults: input.MetricDataQueries.map((q) => {
      const dims = Object.fromEntries((q.MetricStat?.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      const value = FIXTURE[`${dims.Consumer}/${dims.Model}/${q.MetricStat?.Metric?.MetricName}`];
      return { Id: q.Id, Values: value === undefined ? [] : [value] };
    }),
  }));
});

describe("npm run usage", () => {
  it("asks CloudWatch for each consumer's models' sums in the project's namespace and stage, over the period", async () => {
    await usage(["--config", CONFIG, "--stage", "prod", "--since", "30d"], clients());
    const calls = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect((input.EndTime!.getTime() - input.StartTime!.getTime()) / 86_400_000).toBeCloseTo(30, 5);
    const first = input.MetricDataQueries![0].MetricStat!;
    expect([first.Metric!.Namespace, first.Stat, first.Period, first.Metric!.Dimensions]).toEqual([
      "central-ml",
      "Sum",
      30 * 86_400,
      [
        { Name: "Stage", Value: "prod" },
        { Name: "Consumer", Value: "search-team" },
        { Name: "Model", Value: "bge-small" },
      ],
    ]);
    // 3 metrics for each model a consumer may call: 2 + 2 + all 6 of analytics.
    expect(input.MetricDataQueries).toHaveLength(3 * (2 + 2 + 6));
  });

  it("prints requests, tokens and a cost share by tokens, with a consumer that had no traffic at zero", async () => {
    const report = await usage(["--config", CONFIG, "--stage", "prod", "--markdown"], clients());
    const rows = rowsOf(report, /^\| consumer \| model \| requests/);
    const row = (consumer: string, model: string) => rows.find((r) => r[0] === consumer && r[1] === model);
    // llama-8b: ml.g5.2xlarge at minimum 1 instance for 30 days; search-team used 40,000 of its 160,000 tokens.
    const llamaMonth = 1.515 * 24 * 30;
    expect(row("search-team", "llama-8b")).toEqual([
      "search-team",
      "llama-8b",
      "100",
      "30000",
      "10000",
      `$${((llamaMonth * 40_000) / 160_000).toFixed(2)}`,
    ]);
    expect(row("support-bot", "llama-8b")?.[5]).toBe(`$${((llamaMonth * 120_000) / 160_000).toFixed(2)}`);
    // Embeddings count requests but no tokens, and the serverless endpoint has no hourly price: no share.
    expect(row("search-team", "bge-small")).toEqual(["search-team", "bge-small", "400", "0", "0", "n/a"]);
    expect(row("analytics", "llama-8b")).toEqual(["analytics", "llama-8b", "0", "0", "0", "$0.00"]);
    expect(rows.filter((r) => r[0] === "analytics")).toHaveLength(6);
  });

  it("refuses a period it cannot read, saying how to give one", async () => {
    await expect(usage(["--config", CONFIG, "--since", "a month"], clients())).rejects.toThrow(
      /--since must be a number of days like 30d/,
    );
  });

  it("shows each budgeted consumer's current period from the stage table: used, reserved by running answers, and left", async () => {
    const now = new Date();
    const live = String(Math.floor(now.getTime() / 1000) + 60);
    const lapsed = String(Math.floor(now.getTime() / 1000) - 1);
    await dynamodb.send(
      new PutItemCommand({
        TableName: "central-ml-prod-state",
        Item: {
          pk: { S: budgetPartition("search-team") },
          sk: { S: periodOf("month", now).key },
          c: { N: "6000" },
          u: { N: "3000" },
          "c:llama-8b": { N: "5500" },
          "u:llama-8b": { N: "2500" },
          "c:bge-small": { N: "500" },
          "u:bge-small": { N: "500" },
          "r:a": { M: { n: { N: "1000" }, m: { S: "llama-8b" }, until: { N: live } } },
          // A function stopped mid-answer: its lease ran out, so it is no longer counted.
          "r:b": { M: { n: { N: "2000" }, m: { S: "llama-8b" }, until: { N: lapsed } } },
        },
      }),
    );
    const report = await usage(["--config", CONFIG, "--stage", "prod", "--budgets", "--markdown"], clients());
    const resets = periodOf("month", now).endsAt.toISOString();
    expect(rowsOf(report, /^\| consumer \| model \| budget/)).toEqual([
      ["search-team", "all", "20000000", "3000", "1000", String(20_000_000 - 4000), resets],
      ["search-team", "bge-small", "-", "500", "0", "-", resets],
      ["search-team", "llama-8b", "15000000", "2500", "1000", String(15_000_000 - 3500), resets],
    ]);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });
});
