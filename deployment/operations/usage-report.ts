import type { CostRow } from "./cost";
import type { Deployment } from "../resolve";

/**
 * Who used how many tokens of which model, and their share of the endpoint's cost, from the EMF
 * metrics the handlers write (Stage, Consumer, Model). Pure: the queries to send to CloudWatch's
 * GetMetricData, and the report from its answers.
 */
export const USAGE_METRICS = ["Requests", "InputTokens", "OutputTokens"] as const;
type UsageMetric = (typeof USAGE_METRICS)[number];

export interface UsageQuery {
  readonly id: string;
  readonly consumer: string;
  readonly model: string;
  readonly metric: UsageMetric;
}

/** One query per consumer, model it may call, and metric; without consumers, the "default" one. */
export function usageQueries(deployment: Deployment): UsageQuery[] {
  const consumers = deployment.consumers?.map((c) => ({ name: c.name, models: c.models })) ?? [
    { name: "default", models: deployment.models.map((m) => m.name) },
  ];
  return consumers.flatMap((c, i) =>
    c.models.flatMap((model, j) =>
      USAGE_METRICS.map((metric, k) => ({ id: `q${i}_${j}_${k}`, consumer: c.name, model, metric })),
    ),
  );
}

/** GetMetricData's MetricDataQueries: the sum of each metric over the whole period. */
export function metricDataQueries(
  queries: readonly UsageQuery[],
  namespace: string,
  stage: string,
  periodSeconds: number,
) {
  return queries.map((q) => ({
    Id: q.id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: q.metric,
        Dimensions: [
          { Name: "Stage", Value: stage },
          { Name: "Consumer", Value: q.consumer },
          { Name: "Model", Value: q.model },
        ],
      },
      Period: periodSeconds,
      Stat: "Sum",
    },
  }));
}

export interface UsageRow {
  readonly consumer: string;
  readonly model: string;
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** USD: the endpoint's cost over the period at minimum capacity, by share of the model's tokens; undefined when unpriced or no tokens. */
  readonly costShare?: number;
}

/**
 * The report: each consumer's use of each model (a consumer without traffic shows zeros), and its
 * share of the endpoint's cost over `days`, apportioned by tokens.
 */
export function usageReport(
  queries: readonly UsageQuery[],
  values: Readonly<Record<string, number>>,
  costRows: readonly CostRow[],
  days: number,
): UsageRow[] {
  const rows = new Map<string, { consumer: string; model: string } & Record<UsageMetric, number>>();
  for (const q of queries) {
    const key = `${q.consumer}\u0000${q.model}`;
    const row = rows.get(key) ?? { consumer: q.consumer, model: q.model, Requests: 0, InputTokens: 0, OutputTokens: 0 };
    row[q.metric] += values[q.id] ?? 0;
    rows.set(key, row);
  }
  const tokensOf = (r: { InputTokens: number; OutputTokens: number }) => r.InputTokens + r.OutputTokens;
  const modelTokens = new Map<string, number>();
  for (const r of rows.values()) modelTokens.set(r.model, (modelTokens.get(r.model) ?? 0) + tokensOf(r));
  return [...rows.values()].map((r) => {
    // The cost table's 30 days at minimum capacity, scaled to the period.
    const monthly = costRows.find((c) => c.model === r.model)?.monthlyMin;
    const total = modelTokens.get(r.model) ?? 0;
    const cost =
      monthly !== undefined && monthly > 0 && total > 0
        ? Math.round((monthly / 30) * days * (tokensOf(r) / total) * 100) / 100
        : undefined;
    return {
      consumer: r.consumer,
      model: r.model,
      requests: r.Requests,
      inputTokens: r.InputTokens,
      outputTokens: r.OutputTokens,
      costShare: cost,
    };
  });
}

const money = (n: number | undefined) => (n === undefined ? "n/a" : `$${n.toFixed(2)}`);

export function formatUsage(rows: readonly UsageRow[], markdown: boolean): string {
  const header = ["consumer", "model", "requests", "input tokens", "output tokens", "cost share"];
  const cells = rows.map((r) => [
    r.consumer,
    r.model,
    String(r.requests),
    String(r.inputTokens),
    String(r.outputTokens),
    money(r.costShare),
  ]);
  return formatTable(header, cells, markdown);
}

/** Columns padded for a terminal, or a Markdown table. */
export function formatTable(
  header: readonly string[],
  cells: readonly (readonly string[])[],
  markdown: boolean,
): string {
  if (markdown)
    return [
      `| ${header.join(" | ")} |`,
      `| ${header.map(() => "---").join(" | ")} |`,
      ...cells.map((c) => `| ${c.join(" | ")} |`),
    ].join("\n");
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [header, ...cells]
    .map((c) =>
      c
        .map((v, i) => v.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
