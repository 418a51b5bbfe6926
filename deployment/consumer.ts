import type { BudgetedConsumer } from "./lambda/budgets";
import type { Config } from "../config/schema";
import type { ResourceNames } from "./names";
/** A consumer of the API as the stack creates it: a key and a usage plan, limited to its models. */
export interface ResolvedConsumer {
  readonly name: string;
  /** The models its key may call. */
  readonly models: readonly string[];
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly quota?: { readonly limit: number; readonly period: "DAY" | "WEEK" | "MONTH" };
  readonly keyName: string;
  readonly usagePlanName: string;
  /** Import the key from this secret. @default - API Gateway generates it */
  readonly keySecretArn?: string;
  /** Tokens per period, kept by the functions in the stage table. @default - none */
  readonly budget?: BudgetedConsumer["budget"];
}

/** One key and usage plan each, with the API's throttle and quota unless its own. */
export function consumersOf(
  config: Config,
  names: ResourceNames,
  models: readonly { readonly name: string }[],
): ResolvedConsumer[] | undefined {
  return config.api.consumers?.map((c) => ({
    name: c.name,
    models: c.models ?? models.map((m) => m.name),
    throttle: c.throttle ?? config.api.throttle,
    quota: c.quota ?? config.api.quota,
    keyName: names.consumerKey(c.name),
    usagePlanName: names.consumerPlan(c.name),
    keySecretArn: c.keySecretArn,
    ...(c.budget ? { budget: c.budget } : {}),
  }));
}
