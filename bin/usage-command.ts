import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { estimateCost } from "../deployment/cost";
import { resolve } from "../deployment/resolve";
import { formatUsage, metricDataQueries, usageQueries, usageReport } from "../deployment/usage-report";
import { commandLine, configFrom } from "./args";

/**
 * The report of `npm run usage -- --stage <s> [--since 30d] [--markdown] [--config FILE]`: per consumer and model,
 * requests and tokens from the handlers' metrics (CloudWatch GetMetricData, AWS credentials needed),
 * and a share of the endpoint's cost at minimum capacity, apportioned by tokens.
 */
export async function usage(argv: readonly string[], client: CloudWatchClient): Promise<string> {
  const { values } = commandLine(
    "npm run usage -- --stage <stage> [--since 30d] [--markdown] [--config FILE]",
    { stage: { type: "string" }, since: { type: "string" }, markdown: { type: "boolean" } },
    false,
    argv,
  );
  const config = configFrom(values.config);
  const stage = values.stage ?? config.stages?.[0] ?? config.stage;
  const days = Number(/^(\d+)d$/.exec(values.since ?? "30d")?.[1]);
  if (!Number.isInteger(days) || days < 1 || days > 455)
    throw new Error(`--since must be a number of days like 30d (1 to 455, CloudWatch's retention). Got: ${values.since}`);
  const deployment = resolve(config, stage);
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
        if (result.Id) values_[result.Id] = (values_[result.Id] ?? 0) + (result.Values ?? []).reduce((a, b) => a + b, 0);
      token = answer.NextToken;
    } while (token);
  }
  const costRows = estimateCost(config).rows.filter((r) => r.stage === stage);
  return formatUsage(usageReport(queries, values_, costRows, days), values.markdown === true);
}
