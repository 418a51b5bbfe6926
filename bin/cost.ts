import { readFileSync } from "node:fs";
import { ConfigError } from "../config/errors";
import { configFileFrom, loadConfig, parseConfig } from "../config/load";
import { estimateCost, formatCostMarkdown, formatCostTable } from "../deployment/cost";

/**
 * npm run cost [-- --config FILE]              the table in the terminal
 * npm run cost -- --markdown [--base FILE]      the PR comment section, with the change from FILE
 */
const args = process.argv.slice(2);
try {
  const config = loadConfig(configFileFrom(args, process.env, process.cwd()));
  const current = estimateCost(config);
  if (!args.includes("--markdown")) {
    console.log(formatCostTable(current));
  } else {
    const baseFile = args[args.indexOf("--base") + 1];
    let base;
    if (args.includes("--base") && baseFile) {
      try {
        base = estimateCost(parseConfig(JSON.parse(readFileSync(baseFile, "utf8")), baseFile));
      } catch {
        // The base branch has no (valid) config: show the costs without a change column.
      }
    }
    console.log(formatCostMarkdown(current, base));
  }
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`Invalid config ${err.message}`);
  process.exit(1);
}
