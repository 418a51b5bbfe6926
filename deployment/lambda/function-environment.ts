import { CONSUMER_KEYS_SECRET_ENV } from "../../contract/consumers";
import type { Deployment, ResolvedConsumer, ResolvedFunction } from "../resolve";
import { SETTINGS_FILE } from "../../contract/routes";
import { wakeEnvironment } from "./wake";
import { budgetEnvironment } from "./budgets";
import { LAMBDA_ENVIRONMENT_MAX_BYTES, SECRET_VALUE_MAX_BYTES } from "../../reference/aws-limits";

const routesOf = (fn: Pick<ResolvedFunction, "endpoints">) =>
  Object.fromEntries(fn.endpoints.map((e) => [e.model, e.route]));

/**
 * The files beside a function's code: the OpenAI function's model table (every model of the stage,
 * which grows past Lambda's 4 KB environment near 50 models) goes there, read once per container.
 */
export function functionFiles(
  fn: Pick<ResolvedFunction, "handler" | "endpoints" | "budgets">,
): Record<string, string> | undefined {
  return fn.handler === "openai"
    ? { [SETTINGS_FILE]: JSON.stringify({ models: routesOf(fn), ...(fn.budgets ? { budgets: fn.budgets } : {}) }) }
    : undefined;
}

/** What the stack sets in a function's environment: its settings, its model's route (unless in its files), the CORS origins. */
export function functionEnvironment(
  fn: Pick<ResolvedFunction, "handler" | "environment" | "endpoints" | "corsOrigins" | "wake" | "budgets">,
): Record<string, string> {
  const inFiles = functionFiles(fn) !== undefined;
  return {
    ...fn.environment,
    ...wakeEnvironment(fn.wake),
    ...(inFiles ? {} : { MODELS: JSON.stringify(routesOf(fn)), ...budgetEnvironment(fn.budgets) }),
    ...(fn.corsOrigins.length ? { CORS_ORIGINS: JSON.stringify(fn.corsOrigins) } : {}),
  };
}

/** The authorizer's files: its consumers' models, known at synth. */
export function authorizerFiles(
  consumers: readonly Pick<ResolvedConsumer, "name" | "models">[],
): Record<string, string> {
  return {
    [SETTINGS_FILE]: JSON.stringify({ consumers: Object.fromEntries(consumers.map((c) => [c.name, c.models])) }),
  };
}

/** The authorizer's environment: the secret that holds its key table (computed by Terraform at apply). */
export const authorizerEnvironment = (tableSecretArn: string): Record<string, string> => ({
  [CONSUMER_KEYS_SECRET_ENV]: tableSecretArn,
});

/** The key table's size at apply: each hash 64 hex characters, the salt an API Gateway key of 40. */
export const keyTableBytes = (consumers: readonly Pick<ResolvedConsumer, "name">[]): number =>
  Buffer.byteLength(JSON.stringify({ salt: "0".repeat(40), keys: consumers.map((c) => ["0".repeat(64), c.name]) }));

const bytesOf = (env: Readonly<Record<string, string>>) =>
  Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/**
 * Each function's environment as it will be at apply (a key's hash is 64 hex characters, the salt an
 * API Gateway key of 40), against Lambda's 4 KB: an apply would fail on the function otherwise.
 */
export function environmentProblems(deployment: Deployment): string[] {
  const applied = (fn: ResolvedFunction): Record<string, string> => {
    const env = functionEnvironment(fn);
    if (fn !== deployment.authorizer || !deployment.consumers) return env;
    // A secret's ARN: its name and a 7-character suffix in a 12-digit account.
    return {
      ...env,
      ...authorizerEnvironment(`arn:aws:secretsmanager:${"x".repeat(14)}:123456789012:secret:${"x".repeat(64)}-AbCdEf`),
    };
  };
  const table = deployment.consumers ? keyTableBytes(deployment.consumers) : 0;
  const secret =
    table > SECRET_VALUE_MAX_BYTES
      ? [
          `api.consumers: the authorizer's key table would be ${table} bytes at apply; Secrets Manager allows ${SECRET_VALUE_MAX_BYTES} in a secret (not raisable). Fix: fewer consumers per stage (about 800 fit), or split them into more configs`,
        ]
      : [];
  return secret.concat(
    deployment.functions.flatMap((fn) => {
      const bytes = bytesOf(applied(fn));
      return bytes > LAMBDA_ENVIRONMENT_MAX_BYTES
        ? [
            `models: the environment of the function ${fn.functionName} would be ${bytes} bytes at apply (its settings and its model's route); Lambda allows ${LAMBDA_ENVIRONMENT_MAX_BYTES} in all (not raisable). Fix: shorter lambda.environment values, or fewer of them`,
          ]
        : [];
    }),
  );
}
