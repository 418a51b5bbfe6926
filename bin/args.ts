import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../config/errors";
import { configFileFrom, loadConfig } from "../config/load";
import { checkReferencedFiles } from "../config/files";
import { deploymentProblems } from "../deployment/operations/limits";
import type { Config } from "../config/schema";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * An entry point's command line, parsed by Node's parseArgs. Every command takes --config;
 * a flag it does not know is refused with its usage line (exit 2), never a stack trace.
 */
export function commandLine<O extends Options>(
  usage: string,
  options: O,
  allowPositionals = false,
  args: readonly string[] = process.argv.slice(2),
) {
  try {
    return parseArgs({
      args: [...args],
      options: { config: { type: "string" as const }, ...options },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    console.error(`${(err as Error).message}\nusage: ${usage}`);
    process.exit(2);
  }
}

/** The config named by --config, LLM_API_CONFIG or the default; a bad one prints its problems and exits 1. */
export function configFrom(file: string | undefined): Config {
  try {
    const path = configFileFrom(file, process.env, process.cwd());
    const config = loadConfig(path);
    checkReferencedFiles(config, path);
    // Limits AWS enforces only at apply, checked before any Terraform is written.
    const problems = deploymentProblems(config);
    if (problems.length > 0) throw new ConfigError(path, problems);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Invalid config ${err.message}`);
    process.exit(1);
  }
}
