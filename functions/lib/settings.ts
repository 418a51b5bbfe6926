import { AsyncLocalStorage } from "node:async_hooks";
import { readSettingsFile } from "./settings-file";
import { BUDGETS_ENV, type BudgetSettings } from "../../contract/budget";
import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { ModelRoutes } from "./models";
import {
  DEFAULT_FIRST_TOKEN_TIMEOUT_SECONDS,
  DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS,
  FIRST_TOKEN_TIMEOUT_ENV,
  STREAM_IDLE_TIMEOUT_ENV,
  type StreamTimeouts,
} from "../../contract/stream-timeouts";
import {
  DEFAULT_HELD_PER_MODEL,
  DEFAULT_WAKE_HOLD_SECONDS,
  HELD_PER_MODEL_ENV,
  STATE_TABLE_ENV,
  WAKE_HOLD_ENV,
} from "../../contract/wake";

const secondsOf = (value: string | undefined, fallback: number) =>
  1000 * (Number(value) > 0 ? Number(value) : fallback);

/** The stream timeouts the stack sets, or the config's defaults. */
export function streamTimeoutsOf(env: NodeJS.ProcessEnv): StreamTimeouts {
  return {
    firstTokenMs: secondsOf(env[FIRST_TOKEN_TIMEOUT_ENV], DEFAULT_FIRST_TOKEN_TIMEOUT_SECONDS),
    idleMs: secondsOf(env[STREAM_IDLE_TIMEOUT_ENV], DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS),
  };
}

/**
 * What a handler is configured with. Deployed, it comes from the environment the stack
 * sets (MODELS or the settings file, CORS_ORIGINS), read once per container at the first call. A local
 * server runs each call inside its own stack's settings, so several stacks share a process.
 */
export interface HandlerSettings {
  readonly models: ModelRoutes;
  /** Browser origins allowed to read answers (CORS). */
  readonly corsOrigins: readonly string[];
  /** How long a streamed call waits for the model's first bytes, and between bytes. */
  readonly streamTimeouts: StreamTimeouts;
  /** The SageMaker runtime client to call. @default - the container's client */
  readonly runtime?: SageMakerRuntimeClient;
  /** How requests are held while a model wakes from zero copies. @default - the functions' defaults, no count */
  readonly wake?: WakeSettings;
  /** Where SageMaker's control plane and DynamoDB are reached (a local stack's stand-ins). @default - AWS */
  readonly endpoints?: { readonly sagemaker?: string; readonly dynamodb?: string };
  /** Consumers' token budgets, kept in the stage table. @default - none: no consumer has one */
  readonly budgets?: BudgetSettings;
}

export interface WakeSettings {
  /** How long a streamed request is held. */
  readonly holdSeconds: number;
  /** Requests held per model at once, across every function. */
  readonly heldPerModel: number;
  /** The stage's table that counts them. @default - none: held requests are not counted */
  readonly table?: string;
  /** How often a held request tries the model again, and a held stream gets a comment line. @default - RETRY_SECONDS, HEARTBEAT_SECONDS */
  readonly retryMs?: number;
  readonly heartbeatMs?: number;
}

export function wakeSettingsOf(env: NodeJS.ProcessEnv): WakeSettings {
  return {
    holdSeconds: Number(env[WAKE_HOLD_ENV]) > 0 ? Number(env[WAKE_HOLD_ENV]) : DEFAULT_WAKE_HOLD_SECONDS,
    heldPerModel: Number(env[HELD_PER_MODEL_ENV]) > 0 ? Number(env[HELD_PER_MODEL_ENV]) : DEFAULT_HELD_PER_MODEL,
    ...(env[STATE_TABLE_ENV] ? { table: env[STATE_TABLE_ENV] } : {}),
  };
}

/** The model table: MODELS in the environment, else the settings file beside the code (the OpenAI function's). */
function modelsOf(env: NodeJS.ProcessEnv): ModelRoutes {
  if (env.MODELS) return JSON.parse(env.MODELS) as ModelRoutes;
  return readSettingsFile<{ models: ModelRoutes }>(env)?.models ?? {};
}

/** Budgets: BUDGETS in the environment (generate functions), else the settings file (the OpenAI function's). */
function budgetsOf(env: NodeJS.ProcessEnv): { budgets?: BudgetSettings } {
  const budgets = env[BUDGETS_ENV]
    ? (JSON.parse(env[BUDGETS_ENV]) as BudgetSettings)
    : env.MODELS
      ? undefined
      : readSettingsFile<{ budgets: BudgetSettings }>(env)?.budgets;
  return budgets ? { budgets } : {};
}

export function settingsFromEnvironment(env: NodeJS.ProcessEnv): HandlerSettings {
  return {
    models: Object.freeze(modelsOf(env)),
    corsOrigins: Object.freeze(JSON.parse(env.CORS_ORIGINS || "[]") as string[]),
    streamTimeouts: streamTimeoutsOf(env),
    wake: wakeSettingsOf(env),
    ...budgetsOf(env),
  };
}

const scoped = new AsyncLocalStorage<HandlerSettings>();
let fromEnvironment: HandlerSettings | undefined;

export function handlerSettings(): HandlerSettings {
  return scoped.getStore() ?? (fromEnvironment ??= settingsFromEnvironment(process.env));
}

/** Runs `call` (and everything it starts) with these settings. */
export function withSettings<T>(settings: HandlerSettings, call: () => T): T {
  return scoped.run(settings, call);
}

/** Forgets the settings read from the environment, so the next call reads it again. */
export function resetSettings(): void {
  fromEnvironment = undefined;
}
