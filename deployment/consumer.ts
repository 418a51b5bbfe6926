import type { BudgetedConsumer } from "./lambda/budgets";
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
