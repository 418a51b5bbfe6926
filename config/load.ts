import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { configSchema, type Config } from "./schema";
import { ConfigError, describeIssue } from "./errors";

export const DEFAULT_CONFIG_FILE = "llm-api.config.json";

/** The config file to use: the --config flag's value, else `LLM_API_CONFIG`, else the default next to main.ts. */
export function configFileFrom(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (flag !== undefined) {
    if (!flag) throw new ConfigError("--config", ["--config needs a file. Fix: --config path/to/llm-api.config.json"]);
    return resolve(cwd, flag);
  }
  return resolve(cwd, env.LLM_API_CONFIG || DEFAULT_CONFIG_FILE);
}

/** Validates an already-parsed JSON value; every problem is reported at once. */
export function parseConfig(value: unknown, file = "config"): Config {
  const result = configSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ConfigError(file, result.error.issues.map(describeIssue));
  return Object.freeze(result.data) as Config;
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      `cannot read the file (${code ?? String(err)}). Fix: pass an existing file with --config or LLM_API_CONFIG`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const { line, column } = jsonErrorLocation(text, err as Error);
    throw new ConfigError(file, [
      `is not valid JSON at line ${line}, column ${column} (${(err as Error).message}). Fix: correct the JSON syntax there`,
    ]);
  }
  return parseConfig(json, file);
}

/** Line and column of a JSON.parse error; Node names an offset for most errors and none at end of input. */
export function jsonErrorLocation(text: string, err: Error): { line: number; column: number } {
  const offset = Number(/position (\d+)/.exec(err.message)?.[1] ?? text.length);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
