import { AwsCallError, awsJsonCall } from "./aws-json";
import { HOLD_PARTITION } from "../../contract/wake";

/**
 * How many requests are held for a model at once, across every function and container: one item of
 * the stage's table per model (pk "hold", sk the model), counted with conditional writes. Each
 * Lambda container serves one request, so only a shared count bounds how much of the account's
 * concurrency a wake can hold. A count belongs to a window as long as a hold may last: a container
 * stopped mid-hold never gives its place back, and the next window starts the count again, so a
 * lost place is found again within one window. While two windows overlap, up to twice the cap can be
 * held.
 */
export interface HeldPlace {
  release(): Promise<void>;
}

const key = (model: string) => ({ pk: { S: HOLD_PARTITION }, sk: { S: model } });
const n = (value: number) => ({ N: String(value) });

/**
 * A place among the requests held for `model`, or null when `cap` are held already. Without a table
 * (a stack whose models never scale to zero, or a local stack without one) every request gets one.
 */
export async function holdPlace(
  table: string | undefined,
  model: string,
  cap: number,
  windowSeconds: number,
): Promise<HeldPlace | null> {
  if (!table) return { release: async () => undefined };
  const now = Math.floor(Date.now() / 1000);
  const names = { "#held": "held", "#until": "until" };
  const refused = (err: unknown) => err instanceof AwsCallError && err.name === "ConditionalCheckFailedException";
  const update = <T>(input: Record<string, unknown>) =>
    awsJsonCall<T>("dynamodb", "UpdateItem", { TableName: table, Key: key(model), ...input });
  let until: number;
  try {
    // One more in the window that is open.
    const joined = await update<{ Attributes?: { until?: { N: string } } }>({
      UpdateExpression: "SET #held = #held + :one",
      ConditionExpression: "#until > :now AND #held < :cap",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ":one": n(1), ":now": n(now), ":cap": n(cap) },
      ReturnValues: "ALL_NEW",
    });
    until = Number(joined.Attributes?.until?.N);
  } catch (err) {
    if (!refused(err)) throw err;
    try {
      // No open window (none yet, or the last one ended): this request opens the next.
      until = now + windowSeconds;
      await update({
        UpdateExpression: "SET #held = :one, #until = :until, expiresAt = :expires",
        ConditionExpression: "attribute_not_exists(#until) OR #until <= :now",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ":one": n(1),
          ":now": n(now),
          ":until": n(until),
          ":expires": n(until + windowSeconds),
        },
      });
    } catch (second) {
      if (refused(second)) return null;
      throw second;
    }
  }
  return {
    release: async () => {
      // Only from the window it joined: a later window's count is not this request's.
      await update({
        UpdateExpression: "SET #held = #held - :one",
        ConditionExpression: "#until = :until AND #held > :zero",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ":one": n(1), ":until": n(until), ":zero": n(0) },
      }).catch(() => undefined);
    },
  };
}
