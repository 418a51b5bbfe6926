import { handlerSettings } from "./settings";
import { METRICS_NAMESPACE_ENV, STAGE_ENV } from "../../contract/metrics";

/**
 * One CloudWatch Embedded Metric Format record per request, written as a line to standard output,
 * where CloudWatch Logs extracts the metrics: no call on the request path, no PutMetricData
 * permission. (AWS documents EMF as a JSON line written to stdout; the function's JSON log format
 * wraps console output in a record of its own, so console.log would hide the EMF document.)
 * Dimensions are configured names only (models, consumers, the stage), so cardinality stays bounded.
 */
export interface RequestMeter {
  /** A configured model; anything else is counted as "-". */
  readonly model?: string;
  /** The key's consumer (authorizer context); "default" without consumers. */
  readonly consumer?: string;
  readonly status: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly firstTokenMs?: number;
  /** How long the request was held while its model woke from zero copies. */
  readonly heldMs?: number;
  /** A text generation model answered: a success without both token counts is counted in UsageMissing. */
  readonly generation?: boolean;
  readonly durationMs: number;
  /** The consumer's token budget used after this request, in percent (consumers with a budget). */
  readonly budgetUsedPercent?: number;
  /** Refused because the consumer's budget is spent (429 insufficient_quota). */
  readonly budgetRefused?: boolean;
}

const DIMENSION_SETS = [
  ["Stage", "Model"],
  ["Stage", "Consumer"],
  ["Stage", "Consumer", "Model"],
];

/** The EMF document of one request. */
export function emfRecord(
  m: RequestMeter,
  namespace: string,
  stage: string,
  knownModels: readonly string[],
  now = Date.now(),
): Record<string, unknown> {
  const values: Record<string, number> = { Requests: 1, Errors: m.status >= 400 ? 1 : 0, Duration: m.durationMs };
  if (m.inputTokens !== undefined) values.InputTokens = m.inputTokens;
  if (m.outputTokens !== undefined) values.OutputTokens = m.outputTokens;
  if (m.firstTokenMs !== undefined) values.TimeToFirstToken = m.firstTokenMs;
  if (m.heldMs !== undefined) values.HeldTime = m.heldMs;
  if (m.budgetUsedPercent !== undefined) values.BudgetUsed = m.budgetUsedPercent;
  if (m.budgetRefused) values.BudgetRefusals = 1;
  // What the model did not report is counted as missing, never guessed.
  if (m.generation && m.status < 400)
    values.UsageMissing = m.inputTokens === undefined || m.outputTokens === undefined ? 1 : 0;
  const unit = (name: string) =>
    ["Duration", "TimeToFirstToken", "HeldTime"].includes(name)
      ? "Milliseconds"
      : name === "BudgetUsed"
        ? "Percent"
        : "Count";
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: DIMENSION_SETS,
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: unit(Name) })),
        },
      ],
    },
    Stage: stage,
    Model: m.model && knownModels.includes(m.model) ? m.model : "-",
    Consumer: m.consumer ?? "default",
    StatusCode: m.status,
    ...values,
  };
}

/** Writes the request's record, when the stack set a namespace (deployed functions). */
export function meter(m: RequestMeter, env: NodeJS.ProcessEnv = process.env): void {
  const namespace = env[METRICS_NAMESPACE_ENV];
  if (!namespace) return;
  const record = emfRecord(m, namespace, env[STAGE_ENV] ?? "-", Object.keys(handlerSettings().models));
  process.stdout.write(`${JSON.stringify(record)}\n`);
}
