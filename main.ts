import { App } from "cdktf";
import { ConfigError } from "./config/errors";
import { configFileFrom, loadConfig } from "./config/load";
import { buildStacks } from "./stacks/build";
import { installLockFile } from "./stacks/lock-file";
import { estimateCost } from "./cost/estimate";

// Validate first: a bad config must fail before any Terraform is written.
let config;
try {
  config = loadConfig(configFileFrom(process.argv.slice(2), process.env, process.cwd()));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`Invalid config ${err.message}`);
  process.exit(1);
}

const app = new App();
buildStacks(app, config);
app.synth();
installLockFile(app.outdir);

// A GPU endpoint is the expensive thing to forget: say what this config costs to leave running.
const cost = estimateCost(config);
for (const [stage, total] of Object.entries(cost.totals)) {
  console.log(
    `${stage}: about $${total.monthlyMin.toFixed(0)}-${total.monthlyMax.toFixed(0)} per 30 days in SageMaker instances${cost.unpriced.length ? ` (unpriced: ${cost.unpriced.join(", ")})` : ""}. Details: npm run cost`,
  );
}
