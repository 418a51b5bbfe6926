import { budgetPartition, periodOf } from "../../contract/budget";
import { liveTally, type Item } from "../../contract/budget-item";
import type { ResolvedConsumer } from "../consumer";

/**
 * `npm run usage`'s budget table: for each consumer with a budget, its current period's item of the
 * stage table, as used, reserved (answers running) and left, in all and per model. Pure: the keys
 * to read, and the rows from what was read.
 */
export interface BudgetRow {
  readonly consumer: string;
  /** "all", or a model the consumer used or has a budget for. */
  readonly model: string;
  readonly budget?: number;
  readonly used: number;
  readonly reserved: number;
  readonly left?: number;
  readonly resets: string;
}

type Budgeted = Pick<ResolvedConsumer, "name" | "budget">;

/** The item of each budgeted consumer's current period. */
export function budgetKeys(consumers: readonly Budgeted[], now: Date): { consumer: string; key: Item }[] {
  return consumers.flatMap((c) =>
    c.budget
      ? [
          {
            consumer: c.name,
            key: { pk: { S: budgetPartition(c.name) }, sk: { S: periodOf(c.budget.period, now).key } },
          },
        ]
      : [],
  );
}

export function budgetRows(
  consumers: readonly Budgeted[],
  items: Readonly<Record<string, Item | undefined>>,
  now: Date,
): BudgetRow[] {
  return consumers.flatMap((c) => {
    if (!c.budget) return [];
    const tally = liveTally(items[c.name] ?? {}, Math.floor(now.getTime() / 1000));
    const resets = periodOf(c.budget.period, now).endsAt.toISOString();
    const limits = c.budget.models ?? {};
    const models = [...new Set([...Object.keys(tally.models), ...Object.keys(limits)])].sort();
    const row = (
      model: string,
      budget: number | undefined,
      t: { used: number; reserved: number; committed: number },
    ): BudgetRow => ({
      consumer: c.name,
      model,
      budget,
      used: t.used,
      reserved: t.reserved,
      left: budget === undefined ? undefined : Math.max(0, budget - t.committed),
      resets,
    });
    const none = { used: 0, reserved: 0, committed: 0 };
    return [row("all", c.budget.tokens, tally), ...models.map((m) => row(m, limits[m], tally.models[m] ?? none))];
  });
}

const cell = (n: number | undefined) => (n === undefined ? "-" : String(n));

export function budgetTable(rows: readonly BudgetRow[]): { header: string[]; cells: string[][] } {
  return {
    header: ["consumer", "model", "budget", "used", "reserved", "left", "resets"],
    cells: rows.map((r) => [
      r.consumer,
      r.model,
      cell(r.budget),
      String(r.used),
      String(r.reserved),
      cell(r.left),
      r.resets,
    ]),
  };
}
