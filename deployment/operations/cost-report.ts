import { round, type CostEstimate, type CostRow } from "./cost";

/** The cost estimate as people read it: a table for the terminal, Markdown for a pull request, one line per stage at synth. */

const money = (n: number | undefined) =>
  n === undefined
    ? "unpriced"
    : `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const range = (a: number | undefined, b: number | undefined) =>
  a === undefined ? "unpriced" : a === b ? money(a) : `${money(a)} - ${money(b)}`;

/** A plain-text table for the terminal. */
export function formatCostTable(e: CostEstimate): string {
  const header = ["stage", "model", "capacity", "instances", "per hour", "per 30 days"];
  const body = e.rows.map((r) => [
    r.stage,
    r.model,
    r.capacity,
    r.minCount === r.maxCount ? String(r.minCount) : `${r.minCount}-${r.maxCount}`,
    range(r.hourlyMin, r.hourlyMax),
    range(r.monthlyMin, r.monthlyMax),
  ]);
  const monitoring = e.monitoring.map((m) => [
    m.stage,
    "monitoring",
    `${m.alarms} alarms, ${m.dashboards} dashboard${m.secrets ? `, ${m.secrets} secret` : ""}`,
    "",
    "",
    money(m.monthly),
  ]);
  const totals = Object.entries(e.totals).map(([stage, t]) => [
    stage,
    "total",
    "",
    "",
    "",
    range(t.monthlyMin, t.monthlyMax),
  ]);
  const all = [header, ...body, ...monitoring, ...totals];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
    ...monitoring.map(line),
    ...totals.map(line),
    "",
    ...(e.unpriced.length ? [`Unpriced (add them to cost.prices): ${e.unpriced.join(", ")}`] : []),
    ...e.assumptions,
  ].join("\n");
}

export interface CostChange {
  readonly stage: string;
  readonly model: string;
  readonly before?: CostRow;
  readonly after?: CostRow;
  /** After minus before, per 30 days at max capacity (undefined when either side is unpriced). */
  readonly monthlyMaxDelta?: number;
}

/** Per model and stage, what a change of config does to the bill. */
export function diffCosts(base: CostEstimate, current: CostEstimate): CostChange[] {
  const key = (r: CostRow) => `${r.stage}/${r.model}`;
  const before = new Map(base.rows.map((r) => [key(r), r]));
  const after = new Map(current.rows.map((r) => [key(r), r]));
  const rows = new Map([...base.rows, ...current.rows].map((r) => [key(r), r]));
  return [...rows].map(([k, row]) => {
    const b = before.get(k);
    const a = after.get(k);
    const unknown = (b && b.monthlyMax === undefined) || (a && a.monthlyMax === undefined);
    return {
      stage: row.stage,
      model: row.model,
      before: b,
      after: a,
      monthlyMaxDelta: unknown ? undefined : round((a?.monthlyMax ?? 0) - (b?.monthlyMax ?? 0)),
    };
  });
}

/** The cost section of the pull-request comment, with the change from the base branch when there is one. */
export function formatCostMarkdown(current: CostEstimate, base?: CostEstimate): string {
  const changes = base ? diffCosts(base, current) : [];
  const delta = (c: CostChange | undefined) =>
    !c
      ? ""
      : c.monthlyMaxDelta === undefined
        ? " | unpriced"
        : ` | ${c.monthlyMaxDelta > 0 ? "+" : ""}${money(c.monthlyMaxDelta).replace("$-", "-$")}`;
  const rows = current.rows.map((r) => {
    const change = changes.find((c) => c.stage === r.stage && c.model === r.model);
    return `| \`${r.stage}\` | ${r.model} | ${r.capacity} | ${r.minCount}-${r.maxCount} | ${range(r.monthlyMin, r.monthlyMax)}${base ? delta(change) : ""} |`;
  });
  const removed = changes
    .filter((c) => !c.after)
    .map((c) => `| \`${c.stage}\` | ${c.model} | removed | | | ${delta(c).slice(3)} |`);
  return [
    "### Cost estimate (30 days)",
    "",
    `| stage | model | capacity | instances | min - max${base ? " | change at max" : ""} |`,
    `| --- | --- | --- | --- | ---:${base ? " | ---:" : ""} |`,
    ...rows,
    ...removed,
    "",
    ...(current.unpriced.length ? [`:warning: Unpriced instance types: ${current.unpriced.join(", ")}`, ""] : []),
    ...current.assumptions.map((a) => `- ${a}`),
  ].join("\n");
}

/**
 * The line synth prints for a stage: one figure when minimum and maximum agree, and never "$0" for
 * instance types the price table does not have (those are named instead).
 */
export function costLine(
  stage: string,
  total: { monthlyMin: number; monthlyMax: number },
  unpriced: readonly string[],
): string {
  const note = unpriced.length ? ` (unpriced, not counted: ${unpriced.join(", ")})` : "";
  if (unpriced.length && total.monthlyMax === 0)
    return `${stage}: cost unknown: no price for ${unpriced.join(", ")} in the table (set cost.prices). Details: npm run cost`;
  const range =
    total.monthlyMin === total.monthlyMax
      ? `$${total.monthlyMax.toFixed(0)}`
      : `$${total.monthlyMin.toFixed(0)}-${total.monthlyMax.toFixed(0)}`;
  return `${stage}: about ${range} per 30 days in SageMaker instances and monitoring${note}. Details: npm run cost`;
}
