import type { BudgetSettings, ConsumerBudget } from "../../contract/budget";
import { BUDGETS_ENV } from "../../contract/budget";

/** A consumer's budget as the stack keeps it: the models it may call, and its budget if it has one. */
export interface BudgetedConsumer {
  readonly name: string;
  readonly models: readonly string[];
  readonly budget?: ConsumerBudget & { readonly alarms: boolean };
}

/**
 * The budgets a function keeps: those of the consumers that may call one of its models, in the
 * stage table. None when no such consumer has a budget, so a stage without budgets is unchanged.
 */
export function functionBudgets(
  endpoints: readonly { readonly model: string }[],
  consumers: readonly BudgetedConsumer[],
  table: string,
): { budgets?: BudgetSettings } {
  const served = consumers.filter((c) => c.budget && c.models.some((m) => endpoints.some((e) => e.model === m)));
  if (served.length === 0) return {};
  const entry = ({ tokens, period, models }: ConsumerBudget): ConsumerBudget => ({
    tokens,
    period,
    ...(models ? { models } : {}),
  });
  return { budgets: { table, consumers: Object.fromEntries(served.map((c) => [c.name, entry(c.budget!)])) } };
}

/** The variable a generate function reads its budgets from; the OpenAI function's are in its settings file. */
export const budgetEnvironment = (budgets?: BudgetSettings): Record<string, string> =>
  budgets ? { [BUDGETS_ENV]: JSON.stringify(budgets) } : {};
