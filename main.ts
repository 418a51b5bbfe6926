import { App } from "cdktf";
import { ConfigError } from "./config/errors";
import { configFileFrom, loadConfig } from "./config/load";
import { buildStacks } from "./stacks/build";
import { installLockFile } from "./stacks/lock-file";

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
