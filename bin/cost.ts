import { readFileSync } from "node:fs";
import { parseConfig } from "../config/load";
import { commandLine, configFrom } from "./args";
import { estimateCost } from "../deployment/operations/cost";
import { formatCostMarkdown, formatCostTable } from "../deployment/operations/cost-report";

/**
 * npm run cost [-- --config FILE]              the table in the terminal
 * npm run cost -- --markdown [--base FILE]      the PR comment section, with the change from FILE
 */
const { values } = commandLine("npm run cost [-- --config FILE] [--markdown [--base FILE]]", {
  markdown: { type: "boolean" },
  base: { type: "string" },
});
const current = estimateCost(configFrom(values.config));
if (!values.markdown) {
  console.log(formatCostTable(current));
} else {
  let base;
  if (values.base) {
    try {
      base = estimateCost(parseConfig(JSON.parse(readFileSync(values.base, "utf8")), values.base));
    } catch {
      // The base branch has no (valid) config: show the costs without a change column.
    }
  }
  console.log(formatCostMarkdown(current, base));
}
