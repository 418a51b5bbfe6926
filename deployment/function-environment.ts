import { CONSUMERS_ENV, CONSUMER_KEYS_ENV, KEY_HASH_SALT_ENV } from "../contract/consumers";
import type { Deployment, ResolvedConsumer, ResolvedFunction } from "./resolve";
import { SETTINGS_FILE } from "../contract/routes";

/** Lambda's limit on a function's environment: 4 KB for all keys and values together, not raisable. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

const routesOf = (fn: Pick<ResolvedFunction, "endpoints">) => Object.fromEntries(fn.endpoints.map((e) => [e.model, e.route]));

/**
 * The files beside a function's code: the OpenAI function's model table (every model of the stage,
 * which grows past Lambda's 4 KB environment near 50 models) goes there, read once per container.
 */
export function functionFiles(fn: Pick<ResolvedFunction, "handler" | "endpoints">): Record<string, string> | undefined {
  return fn.handler === "chat" ? { [SETTINGS_FILE]: JSON.stringify({ models: routesOf(fn) }) } : undefined;
}

/** What the stack sets in a function's environment: its settings, its model's route (unless in its files), the CORS origins. */
export function functionEnvironment(fn: Pick<ResolvedFunction, "handler" | "environment" | "endpoints" | "corsOrigins">): Record<string, string> {
  return {
    ...fn.environment,
    ...(functionFiles(fn) ? {} : { MODELS: JSON.stringify(routesOf(fn)) }),
    ...(fn.corsOrigins.length ? { CORS_ORIGINS: JSON.stringify(fn.corsOrigins) } : {}),
  };
}

/** The authorizer's consumers: their models, their keys' hashes (computed by Terraform) and the salt. */
export function authorizerEnvironment(consumers: readonly Pick<ResolvedConsumer, "name" | "models">[], hashes: string, salt: string): Record<string, string> {
  return {
    [CONSUMERS_ENV]: JSON.stringify(Object.fromEntries(consumers.map((c) => [c.name, c.models]))),
    [CONSUMER_KEYS_ENV]: hashes,
    [KEY_HASH_SALT_ENV]: salt,
  };
}

const bytesOf = (env: Readonly<Record<string, string>>) => Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/**
 * Each function's environment as it will be at apply (a key's hash is 64 hex characters, the salt an
 * API Gateway key of 40), against Lambda's 4 KB: an apply would fail on the function otherwise.
 */
export function environmentProblems(deployment: Deployment): string[] {
  const applied = (fn: ResolvedFunction): Record<string, string> => {
    const env = functionEnvironment(fn);
    if (fn !== deployment.authorizer || !deployment.consumers) return env;
    const hashes = JSON.stringify(deployment.consumers.map((c) => ["0".repeat(64), c.name]));
    return { ...env, ...authorizerEnvironment(deployment.consumers, hashes, "0".repeat(40)) };
  };
  return deployment.functions.flatMap((fn) => {
    const bytes = bytesOf(applied(fn));
    return bytes > LAMBDA_ENVIRONMENT_MAX_BYTES
      ? [
          `${fn === deployment.authorizer ? "api.consumers" : "models"}: the environment of the function ${fn.functionName} would be ${bytes} bytes at apply (its models' routes${fn === deployment.authorizer ? ", the consumers and their key hashes" : ""}); Lambda allows ${LAMBDA_ENVIRONMENT_MAX_BYTES} in all (not raisable). Fix: fewer models or consumers per stage, or split them into more configs`,
        ]
      : [];
  });
}
