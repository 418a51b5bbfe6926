import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { budgetKeys, budgetRows, budgetTable } from "../deployment/operations/budget-report";
import type { Deployment } from "../deployment/resolve";
import type { Config } from "../config/schema";
import type { Item } from "../contract/budget-item";
import { estimateCost } from "../deployment/operations/cost";
import { resolveStage } from "../deployment/resolve";
import {
  formatTable,
  formatUsage,
  metricDataQueries,
  usageQueries,
  usageReport,
} from "../deployment/operations/usage-report";
import { commandLine, configFrom } from "./args";

/**
 * The report of `npm run usage -- --stage <s> [--since 30d] [--budgets] [--markdown] [--config FILE]`:
 * with token budgets, each budgeted consumer's current period from the stage table (DynamoDB
 * GetItem); then, unless --budgets, per consumer and model, requests and tokens from the handlers'
 * metrics (CloudWatch GetMetricData) and a share of the endpoint's cost at minimum capacity,
 * apportioned by tokens. AWS credentials needed; AWS_ENDPOINT_URL_DYNAMODB reaches a local table.
 */
export async function usage(
  argv: readonly string[],
  clients: { cloudwatch: CloudWatchClient; dynamodb: DynamoDBClient },
): Promise<string> {
  const { values } = commandLine(
    "npm run usage -- --stage <stage> [--since 30d] [--budgets] [--markdown] [--config FILE]",
    {
      stage: { type: "string" },
      since: { type: "string" },
      budgets: { type: "boolean" },
      markdown: { type: "boolean" },
    },
    false,
    argv,
  );
  const config = configFrom(values.config);
  const stage = values.stage ?? config.stages?.[0] ?? config.stage;
  const days = Number(/^(\d+)d$/.exec(values.since ?? "30d")?.[1]);
  if (!Number.isInteger(days) || days < 1 || days > 455)
    throw new Error(
      `--since must be a number of days like 30d (1 to 455, CloudWatch's retention). Got: ${values.since}`,
    );
  const deployment = resolveStage(config, stage);
  const markdown = values.markdown === true;
  const budgets = await budgetReport(deployment, clients.dynamodb, markdown);
  if (values.budgets) return budgets ?? "No consumer of this stage has a token budget.";
  const metrics = await metricsReport(config, deployment, clients.cloudwatch, days, markdown);
  return budgets ? `${budgets}\n\n${metrics}` : metrics;
}

/** The budgets' current periods, read consistently from the stage table; undefined without budgets. */
async function budgetReport(
  deployment: Deployment,
  client: DynamoDBClient,
  markdown: boolean,
): Promise<string | undefined> {
  const consumers = deployment.consumers ?? [];
  const now = new Date();
  const keys = budgetKeys(consumers, now);
  if (keys.length === 0 || !deployment.stateTable) return undefined;
  const items: Record<string, Item | undefined> = {};
  for (const { consumer, key } of keys) {
    const read = await client.send(
      new GetItemCommand({ TableName: deployment.stateTable, Key: key as never, ConsistentRead: true }),
    );
    items[consumer] = read.Item as Item | undefined;
  }
  const { header, cells } = budgetTable(budgetRows(consumers, items, now));
  return formatTable(header, cells, markdown);
}

async function metricsReport(
  config: Config,
  deployment: Deployment,
  client: CloudWatchClient,
  days: number,
  markdown: boolean,
): Promise<string> {
  const { stage } = deployment;
  const queries = usageQueries(deployment);
  const end = new Date();
  const start = new Date(end.getTime() - days * 86_400_000);
  const values_: Record<string, number> = {};
  // GetMetricData takes up to 500 queries per call.
  for (let i = 0; i < queries.length; i += 500) {
    let token: string | undefined;
    do {
      const answer = await client.send(
        new GetMetricDataCommand({
          StartTime: start,
          EndTime: end,
          MetricDataQueries: metricDataQueries(queries.slice(i, i + 500), config.project, stage, days * 86_400),
          NextToken: token,
        }),
      );
      for (const result of answer.MetricDataResults ?? [])
        if (result.Id)
          values_[result.Id] = (values_[result.Id] ?? 0) + (result.Values ?? []).reduce((a, b) => a + b, 0);
      token = answer.NextToken;
    } while (token);
  }
  const costRows = estimateCost(config).rows.filter((r) => r.stage === stage);
  return formatUsage(usageReport(queries, values_, costRows, days), markdown);
}
