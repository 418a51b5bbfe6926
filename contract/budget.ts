/**
 * Token budgets per consumer: what the stack gives the functions, and the limits that make a budget
 * hold exactly. Shared by the config (which checks budgets), the stack (which sets them) and the
 * handlers (which reserve and settle).
 */

export type BudgetPeriod = "day" | "month";

/** One consumer's budget: tokens (prompt and answer) per period, in all and optionally per model. */
export interface ConsumerBudget {
  readonly tokens: number;
  readonly period: BudgetPeriod;
  readonly models?: Readonly<Record<string, number>>;
}

/** What a function needs to keep budgets: the stage table, and the budgets of the consumers it serves. */
export interface BudgetSettings {
  readonly table: string;
  readonly consumers: Readonly<Record<string, ConsumerBudget>>;
  /** How long a reservation lives without being renewed. @default RESERVATION_LEASE_SECONDS */
  readonly leaseSeconds?: number;
}

/** Set on the generate functions (JSON); the OpenAI function reads it from its settings file. */
export const BUDGETS_ENV = "BUDGETS";

/**
 * A reservation lives this long unless the function that holds it renews it (every third of it): a
 * function stopped mid-answer gives its tokens back within this time, without a job to run.
 */
export const RESERVATION_LEASE_SECONDS = 120;

/**
 * A request whose room is held by answers still running waits this long at most for them to settle
 * (within its function's time), then gets a 429 it may retry, with this Retry-After.
 */
export const BUDGET_WAIT_SECONDS = 10;
export const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * Tokens a chat template adds to the prompt beyond the request's own bytes (role markers, a default
 * system prompt, tool instructions). A byte-level BPE token is at least one byte, so the request's
 * bytes plus this bound the prompt's tokens.
 */
export const TEMPLATE_MARGIN_TOKENS = 256;

/** Every answer to a consumer with a budget carries what is left after its reservation. */
export const BUDGET_REMAINING_HEADER = "x-budget-remaining-tokens";

/** The stage table's partition of a consumer's budget, one item per period. */
export const budgetPartition = (consumer: string): string => `budget#${consumer}`;

/** The partitions the functions may write (IAM's dynamodb:LeadingKeys). */
export const BUDGET_PARTITIONS = "budget#*";

/** The period a moment falls in, as the item's sort key, and when it ends (UTC). */
export function periodOf(period: BudgetPeriod, now: Date): { readonly key: string; readonly endsAt: Date } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (period === "month")
    return { key: `month#${now.toISOString().slice(0, 7)}`, endsAt: new Date(Date.UTC(y, m + 1, 1)) };
  return { key: `day#${now.toISOString().slice(0, 10)}`, endsAt: new Date(Date.UTC(y, m, now.getUTCDate() + 1)) };
}
