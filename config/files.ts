import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import Ajv from "ajv-draft-04";
import { PROJECT_ROOT } from "./paths";
import { ConfigError } from "./errors";
import type { Config } from "./schema";

/**
 * Files the config names (own handlers, their request schemas), checked when the config is loaded, so a
 * missing or broken one fails before any Terraform is written. Returns each request schema, parsed.
 */
export function checkReferencedFiles(config: Config, file: string, root = PROJECT_ROOT): void {
  const problems: string[] = [];
  const settings = [
    ...config.models.map((m, i) => ({
      at: `models[${i}].lambda`,
      lambda: m.integration.kind === "lambda" ? m.integration.settings : undefined,
    })),
    ...config.existingEndpoints.map((e, i) => ({ at: `existingEndpoints[${i}].lambda`, lambda: e.lambda })),
  ];
  for (const { at, lambda } of settings) {
    if (lambda?.handler && !existsSync(resolve(root, lambda.handler)))
      problems.push(`${at}.handler: ${lambda.handler} does not exist. Fix: give a path from the project folder`);
    const schema = lambda?.requestSchema;
    if (schema === undefined || schema === false) continue;
    if (!lambda?.handler) {
      problems.push(
        `${at}.requestSchema: the built-in handler takes the generate request only. Fix: remove it, or give your own handler`,
      );
      continue;
    }
    try {
      requestSchemaOf(schema, root);
    } catch (err) {
      problems.push(`${at}.requestSchema: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
}

/** A request schema file, parsed and compiled as draft 4 (what API Gateway checks with), or an error that says why not. */
export function requestSchemaOf(path: string, root = PROJECT_ROOT): Record<string, unknown> {
  const full = resolve(root, path);
  if (!existsSync(full)) throw new Error(`${path} does not exist. Fix: give a path from the project folder`);
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(readFileSync(full, "utf8"));
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}). Fix: correct it`, { cause: err });
  }
  try {
    new Ajv({ strict: true }).compile(schema);
  } catch (err) {
    throw new Error(
      `${path} is not a JSON Schema draft 4 that API Gateway can check (${(err as Error).message}). Fix: correct it`,
      { cause: err },
    );
  }
  return schema;
}
