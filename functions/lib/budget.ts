import { randomBytes } from "node:crypto";
import { AwsCallError, awsJsonCall } from "./aws-json";
import { HttpError } from "./errors";
import { log } from "./log";
import { handlerSettings } from "./settings";
import { RESERVATION_LEASE_SECONDS, budgetPartition, periodOf, type ConsumerBudget } from "../../contract/budget";
import { busy, isSpent, remainingOf, spent, usedPercent, type ReserveRequest } from "./budget-room";

export type { ReserveRequest } from "./budget-room";
import { budgetNames, reservationsOf, type Item } from "../../contract/budget-item";

/**
 * A consumer's token budget, kept exactly under any concurrency: one item per consumer and period
 * in the stage table, whose `c` (used plus reserved, in all) and `c:<model>` a request raises by
 * its most with one conditional write, refused when that would pass the budget; the answer then
 * settles with what the model reported. A reservation is a lease: renewed while its answer runs,
 * and released by the next request that needs the room once it lapsed (a function stopped
 * mid-answer), so nothing has to run on a schedule.
 */
export interface Reservation {
  /** Tokens reserved: the request's most. */
  readonly tokens: number;
  /** Tokens left after this reservation, in the tightest of the budgets the request counts against. */
  readonly remaining: number;
  /** Gives back what the answer did not use; returns the share of the budget used, in percent. */
  settle(used: number | undefined, answered: boolean): Promise<number | undefined>;
}

const n = (value: number) => ({ N: String(value) });
const conditional = (err: unknown) => err instanceof AwsCallError && err.name === "ConditionalCheckFailedException";
/** Items of past periods stay this long for `npm run usage`, then DynamoDB's TTL removes them. */
const KEEP_AFTER_PERIOD_SECONDS = 35 * 86_400;

const update = <T = { Attributes?: Item }>(table: string, input: Record<string, unknown>) =>
  awsJsonCall<T>("dynamodb", "UpdateItem", { TableName: table, ...input });

/** Once more on a failure that is not the store's answer (a dropped connection, a 5xx): then the request fails closed. */
async function twice<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AwsCallError && err.statusCode < 500) throw err;
    return call();
  }
}

const unavailable = (cause: unknown) =>
  new HttpError(
    503,
    "budget_unavailable",
    "This key's token budget could not be checked, so nothing was sent to the model. Try again.",
    undefined,
    {
      cause,
    },
  );

/** A reservation for the request, or undefined when its consumer has no budget (no call is made). Throws 429 when it would overspend. */
export async function reserve(request: ReserveRequest): Promise<Reservation | undefined> {
  const settings = handlerSettings().budgets;
  const budget = request.consumer ? settings?.consumers[request.consumer] : undefined;
  if (!settings || !budget || !request.consumer) return undefined;
  const lease = settings.leaseSeconds ?? RESERVATION_LEASE_SECONDS;
  const now = new Date();
  const period = periodOf(budget.period, now);
  const key = { pk: { S: budgetPartition(request.consumer) }, sk: { S: period.key } };
  const names = budgetNames(request.model, `${request.requestId}.${randomBytes(3).toString("hex")}`);
  const modelLimit = budget.models?.[request.model];
  const refusal = (item: Item | undefined) => spent(request, budget, period.endsAt, item);
  if (request.tokens > Math.min(budget.tokens, modelLimit ?? Infinity)) throw refusal(undefined);

  const attempt = () => {
    const until = Math.floor(Date.now() / 1000) + lease;
    return update(settings.table, {
      Key: key,
      UpdateExpression:
        "SET #c = if_not_exists(#c, :zero) + :n, #cm = if_not_exists(#cm, :zero) + :n, #r = :entry, expiresAt = :expires",
      ConditionExpression: `(attribute_not_exists(#c) OR #c <= :maxTotal)${modelLimit === undefined ? "" : " AND (attribute_not_exists(#cm) OR #cm <= :maxModel)"}`,
      ExpressionAttributeNames: { "#c": names.committed, "#cm": names.modelCommitted, "#r": names.reservation },
      ExpressionAttributeValues: {
        ":zero": n(0),
        ":n": n(request.tokens),
        ":entry": { M: { n: n(request.tokens), m: { S: request.model }, until: n(until) } },
        ":expires": n(Math.floor(period.endsAt.getTime() / 1000) + KEEP_AFTER_PERIOD_SECONDS),
        ":maxTotal": n(budget.tokens - request.tokens),
        ...(modelLimit === undefined ? {} : { ":maxModel": n(modelLimit - request.tokens) }),
      },
      ReturnValues: "ALL_NEW",
    });
  };
  const item = await reserveOrWait(attempt, () => releaseLapsed(settings.table, key), {
    deadline: Date.now() + (request.waitMs ?? 0),
    spent: (seen) => isSpent(budget, request, seen),
    refusal,
    busy: (seen) => busy(request, seen),
  });
  const remaining = remainingOf(budget, request.model, item ?? {});
  const keeper = keepLease(settings.table, key, names.reservation, lease, request);
  return {
    tokens: request.tokens,
    remaining,
    settle: (used, answered) => {
      clearInterval(keeper);
      return settle(settings.table, key, names, budget, request, used ?? (answered ? request.tokens : 0));
    },
  };
}

/** How long a request waits between tries while answers running hold the room it needs: doubling, with jitter. */
const FIRST_WAIT_MS = 100;
const LONGEST_WAIT_MS = 2000;

/**
 * The conditional write, tried until it passes. A refusal is final when what is used already (not
 * reserved) leaves no room for the request; when answers still running hold the room instead, the
 * request waits for them to settle, until its deadline, then is told to retry. Reservations whose
 * lease ran out are released on the way.
 */
async function reserveOrWait(
  attempt: () => Promise<{ Attributes?: Item }>,
  release: () => Promise<{ released: boolean; item?: Item }>,
  on: {
    deadline: number;
    spent: (item: Item) => boolean;
    refusal: (item?: Item) => HttpError;
    busy: (item: Item) => HttpError;
  },
): Promise<Item> {
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(2 * wait, LONGEST_WAIT_MS)) {
    try {
      return (await twice(attempt)).Attributes ?? {};
    } catch (err) {
      if (!conditional(err)) throw unavailable(err);
    }
    const seen = await twice(release).catch((e: unknown) => {
      throw unavailable(e);
    });
    if (seen.released) continue;
    if (on.spent(seen.item ?? {})) throw on.refusal(seen.item);
    const pause = wait / 2 + Math.random() * (wait / 2);
    if (Date.now() + pause > on.deadline) throw on.busy(seen.item ?? {});
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Renews the lease every third of it; when a renewal finds it gone, or the lease runs out unrenewed, the answer is stopped. */
function keepLease(
  table: string,
  key: Item,
  reservation: string,
  lease: number,
  request: ReserveRequest,
): NodeJS.Timeout {
  let until = Math.floor(Date.now() / 1000) + lease;
  const timer = setInterval(
    () => {
      const next = Math.floor(Date.now() / 1000) + lease;
      update(table, {
        Key: key,
        UpdateExpression: "SET #r.#until = :until",
        ConditionExpression: "attribute_exists(#r)",
        ExpressionAttributeNames: { "#r": reservation, "#until": "until" },
        ExpressionAttributeValues: { ":until": n(next) },
      }).then(
        () => {
          until = next;
        },
        (err: unknown) => {
          if (!conditional(err) && Date.now() / 1000 < until - lease / 3) return;
          clearInterval(timer);
          log("error", "budget reservation lost", { requestId: request.requestId, error: (err as Error).name });
          request.onLost(
            new HttpError(
              503,
              "budget_unavailable",
              "The answer was stopped: its token reservation could not be kept, so the budget could have been overspent.",
            ),
          );
        },
      );
    },
    (lease * 1000) / 3,
  );
  timer.unref();
  return timer;
}

/** Removes the reservations whose lease ran out, each only as it was read (a renewal since keeps it). */
async function releaseLapsed(table: string, key: Item): Promise<{ released: boolean; item?: Item }> {
  const { Item: item } = await awsJsonCall<{ Item?: Item }>("dynamodb", "GetItem", {
    TableName: table,
    Key: key,
    ConsistentRead: true,
  });
  const nowSeconds = Math.floor(Date.now() / 1000);
  const lapsed = reservationsOf(item ?? {}).filter((r) => r.until <= nowSeconds);
  if (lapsed.length === 0) return { released: false, item };
  // What each counter gives back: the total, and each model's.
  const back = new Map<string, number>();
  for (const r of [
    ...lapsed.map((l) => ({ ...l, counter: "c" })),
    ...lapsed.map((l) => ({ ...l, counter: budgetNames(l.model, "").modelCommitted })),
  ])
    back.set(r.counter, (back.get(r.counter) ?? 0) + r.tokens);
  const counters = [...back];
  await update(table, {
    Key: key,
    UpdateExpression: `SET ${counters.map((_, i) => `#k${i} = #k${i} - :k${i}`).join(", ")} REMOVE ${lapsed.map((_, i) => `#r${i}`).join(", ")}`,
    ConditionExpression: lapsed.map((_, i) => `#r${i}.#until = :u${i}`).join(" AND "),
    ExpressionAttributeNames: {
      "#until": "until",
      ...Object.fromEntries(counters.map(([name], i) => [`#k${i}`, name])),
      ...Object.fromEntries(lapsed.map((r, i) => [`#r${i}`, r.name])),
    },
    ExpressionAttributeValues: {
      ...Object.fromEntries(counters.map(([, tokens], i) => [`:k${i}`, n(tokens)])),
      ...Object.fromEntries(lapsed.map((r, i) => [`:u${i}`, n(r.until)])),
    },
  }).catch((err: unknown) => {
    // Another request released them first, or one was renewed: either way, try the reservation again.
    if (!conditional(err)) throw err;
  });
  log("info", "budget reservations released", { consumer: key.pk.S, count: lapsed.length });
  return { released: true, item };
}

/** Replaces the reservation with what the answer used; a reservation already released is added as used all the same. */
async function settle(
  table: string,
  key: Item,
  names: ReturnType<typeof budgetNames>,
  budget: ConsumerBudget,
  request: ReserveRequest,
  used: number,
): Promise<number | undefined> {
  const attr = { "#c": names.committed, "#cm": names.modelCommitted, "#u": names.used, "#um": names.modelUsed };
  const base = { ":zero": n(0), ":used": n(used) };
  if (used > request.tokens)
    log("warn", "answer used more than its reservation", {
      requestId: request.requestId,
      reserved: request.tokens,
      used,
    });
  try {
    const settled = await twice(() =>
      update(table, {
        Key: key,
        UpdateExpression:
          "SET #c = #c + :delta, #cm = #cm + :delta, #u = if_not_exists(#u, :zero) + :used, #um = if_not_exists(#um, :zero) + :used REMOVE #r",
        ConditionExpression: "attribute_exists(#r)",
        ExpressionAttributeNames: { ...attr, "#r": names.reservation },
        ExpressionAttributeValues: { ...base, ":delta": n(used - request.tokens) },
        ReturnValues: "ALL_NEW",
      }),
    );
    return usedPercent(budget, request.model, settled.Attributes ?? {});
  } catch (err) {
    if (!conditional(err)) {
      log("error", "budget not settled", { requestId: request.requestId, error: (err as Error).name });
      return undefined;
    }
    const added = await update(table, {
      Key: key,
      UpdateExpression:
        "SET #c = if_not_exists(#c, :zero) + :used, #cm = if_not_exists(#cm, :zero) + :used, #u = if_not_exists(#u, :zero) + :used, #um = if_not_exists(#um, :zero) + :used",
      ExpressionAttributeNames: attr,
      ExpressionAttributeValues: base,
      ReturnValues: "ALL_NEW",
    });
    log("warn", "budget reservation had lapsed before its answer settled", { requestId: request.requestId });
    return usedPercent(budget, request.model, added.Attributes ?? {});
  }
}
