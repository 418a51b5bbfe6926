import { HttpError } from "./errors";
import { BUSY_RETRY_AFTER_SECONDS, type ConsumerBudget } from "../../contract/budget";
import { INSUFFICIENT_QUOTA } from "../../contract/errors";
import { liveTally, type Item } from "../../contract/budget-item";

/** What a consumer's budget item says of a request: whether it is spent or busy, what is left, the answers that say so. */

export interface ReserveRequest {
  readonly consumer?: string;
  readonly model: string;
  readonly tokens: number;
  readonly requestId: string;
  /** How long the request may wait while answers still running hold the room it needs. @default 0 */
  readonly waitMs?: number;
  /** Called when the lease could not be kept: the answer must stop, or the budget could be overspent. */
  readonly onLost: (error: HttpError) => void;
}

/** Spent for this request: what is used already, without the reservations of answers running, leaves no room for it. */
export function isSpent(budget: ConsumerBudget, request: ReserveRequest, item: Item): boolean {
  const tally = liveTally(item, Math.floor(Date.now() / 1000));
  const limit = budget.models?.[request.model];
  return (
    tally.used + request.tokens > budget.tokens ||
    (limit !== undefined && (tally.models[request.model]?.used ?? 0) + request.tokens > limit)
  );
}

/** 429 that clients retry: the room is held by answers still running, and comes back as they settle. */
export function busy(request: ReserveRequest, item: Item): HttpError {
  const tally = liveTally(item, Math.floor(Date.now() / 1000));
  return new HttpError(
    429,
    "budget_busy",
    `This key's token budget has room, but answers still running hold ${tally.reserved} of it; this request may use up to ${request.tokens}. Try again in a few seconds.`,
    undefined,
    { headers: { "retry-after": String(BUSY_RETRY_AFTER_SECONDS) } },
  );
}

/** Tokens left in the tightest budget the request counts against, with lapsed reservations not counted. */
export function remainingOf(budget: ConsumerBudget, model: string, item: Item): number {
  const tally = liveTally(item, Math.floor(Date.now() / 1000));
  const total = budget.tokens - tally.committed;
  const limit = budget.models?.[model];
  return Math.max(0, limit === undefined ? total : Math.min(total, limit - (tally.models[model]?.committed ?? 0)));
}

/** The larger share used, of the total and of the model's own budget. */
export function usedPercent(budget: ConsumerBudget, model: string, item: Item): number {
  const tally = liveTally(item, Math.floor(Date.now() / 1000));
  const limit = budget.models?.[model];
  const shares = [
    tally.used / budget.tokens,
    ...(limit === undefined ? [] : [(tally.models[model]?.used ?? 0) / limit]),
  ];
  return Math.round(100 * Math.max(...shares) * 10) / 10;
}

/** 429 in OpenAI's shape: the budget, the period and when it resets; SDKs are told not to retry (it would not pass until then). */
export function spent(
  request: ReserveRequest,
  budget: ConsumerBudget,
  endsAt: Date,
  item: Item | undefined,
): HttpError {
  const tally = liveTally(item ?? {}, Math.floor(Date.now() / 1000));
  const limit = budget.models?.[request.model];
  const modelFull = limit !== undefined && (tally.models[request.model]?.committed ?? 0) + request.tokens > limit;
  const [what, of, taken] = modelFull
    ? [`budget for "${request.model}"`, limit, tally.models[request.model]?.committed ?? 0]
    : ["token budget", budget.tokens, tally.committed];
  return new HttpError(
    429,
    INSUFFICIENT_QUOTA,
    `This key's ${what} for this ${budget.period} is spent: ${taken} of ${of} tokens are used or reserved, and this request may use up to ${request.tokens}. It resets at ${endsAt.toISOString()}.`,
    undefined,
    { headers: { "x-should-retry": "false" } },
  );
}
