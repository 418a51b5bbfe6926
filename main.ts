import { App } from "cdktf";
import { commandLine, configFrom } from "./bin/args";
import { buildStacks } from "./stacks/build";
import { installLockFile } from "./stacks/lock-file";
import { estimateCost } from "./deployment/operations/cost";
import { costLine } from "./deployment/operations/cost-report";
import { configWarnings } from "./config/warnings";
import { deploymentWarnings } from "./deployment/operations/limits";

// Validate first: a bad config must fail before any Terraform is written.
const { values } = commandLine("cdktf synth (or node scripts/run-ts.js main.ts [--config FILE] [--strict])", {
  strict: { type: "boolean" },
});
const config = configFrom(values.config);
// --strict (or LLM_API_STRICT=1, for cdktf synth in CI) makes warnings errors, before any Terraform is written.
const strict = values.strict === true || process.env.LLM_API_STRICT === "1";
const warnings = [...configWarnings(config), ...deploymentWarnings(config)];
for (const warning of warnings) console.warn(`${strict ? "error" : "warning"}: ${warning}`);
if (strict && warnings.length > 0) process.exit(1);

const app = new App();
buildStacks(app, config);
app.synth();
installLockFile(app.outdir);

// A GPU endpoint is the expensive thing to forget: say what this config costs to leave running.
const cost = estimateCost(config);
for (const [stage, total] of Object.entries(cost.totals)) console.log(costLine(stage, total, cost.unpriced));
