import {
  DEFAULT_HELD_PER_MODEL,
  DEFAULT_WAKE_HOLD_SECONDS,
  HELD_PER_MODEL_ENV,
  STATE_TABLE_ENV,
  WAKE_HOLD_ENV,
} from "../../contract/wake";

/**
 * What a function that serves models scaling to zero needs to hold their requests while they wake
 * (functions/lib/hold.ts): the stage's table that counts held requests, and how long and how many
 * it may hold.
 */
export interface WakeSpec {
  readonly table: string;
  readonly holdSeconds: number;
  readonly heldPerModel: number;
}

/** The stage's DynamoDB table: hold counts (one item per model under HOLD_PARTITION) and token budgets (budget#<consumer>). */
export const stateTableName = (prefix: string): string => `${prefix}-state`;

/** The table's keys and the attribute whose time ends an item (DynamoDB's TTL). */
export const STATE_TABLE_KEYS = { hash: "pk", range: "sk", expires: "expiresAt" } as const;

/** A function's wake settings, if any model it calls scales to zero (its route names a component). */
export function wakeOf(
  endpoints: readonly { readonly route: { readonly component?: string } }[],
  prefix: string,
  lambda: { readonly wakeHoldSeconds: number; readonly heldRequestsPerModel: number },
): { wake?: WakeSpec } {
  if (!endpoints.some((e) => e.route.component)) return {};
  return {
    wake: {
      table: stateTableName(prefix),
      holdSeconds: lambda.wakeHoldSeconds,
      heldPerModel: lambda.heldRequestsPerModel,
    },
  };
}

/** The variables the handlers read their wake settings from; the defaults are left out. */
export function wakeEnvironment(wake?: WakeSpec): Record<string, string> {
  if (!wake) return {};
  return {
    [STATE_TABLE_ENV]: wake.table,
    ...(wake.holdSeconds === DEFAULT_WAKE_HOLD_SECONDS ? {} : { [WAKE_HOLD_ENV]: String(wake.holdSeconds) }),
    ...(wake.heldPerModel === DEFAULT_HELD_PER_MODEL ? {} : { [HELD_PER_MODEL_ENV]: String(wake.heldPerModel) }),
  };
}
