import { ConfigError } from "./errors";
import { configFileFrom, loadConfig } from "./load";
import type { Config } from "./schema";

/**
 * The config named on the command line (--config, LLM_API_CONFIG or the default),
 * or a clear message and exit 1: commands never show a stack trace for a bad config.
 */
export function configFromCommandLine(argv: readonly string[] = process.argv.slice(2)): Config {
  try {
    return loadConfig(configFileFrom(argv, process.env, process.cwd()));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Invalid config ${err.message}`);
    process.exit(1);
  }
}
