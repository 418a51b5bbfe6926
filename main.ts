import { App } from "cdktf";
import { commandLine, configFrom } from "./bin/args";
import { buildStacks } from "./stacks/build";
import { installLockFile } from "./stacks/lock-file";
import { costLine, estimateCost } from "./deployment/cost";
import { configWarnings } from "./config/warnings";

// Validate first: a bad config must fail before any Terraform is written.
const config = configFrom(commandLine("cdktf synth (or node scripts/run-ts.js main.ts [--config FILE])", {}).values.config);
for (const warning of configWarnings(config)) console.warn(`warning: ${warning}`);

const app = new App();
buildStacks(app, config);
app.synth();
installLockFile(app.outdir);

// A GPU endpoint is the expensive thing to forget: say what this config costs to leave running.
const cost = estimateCost(config);
for (const [stage, total] of Object.entries(cost.totals)) console.log(costLine(stage, total, cost.unpriced));
