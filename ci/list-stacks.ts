import { stagesOf } from "../config/schema";
import { configFileFrom, loadConfig } from "../config/load";
import { apiStackName } from "../modules/names";

/** The API stacks of the config, one per line: what CI plans and deploys (state and CI stacks are an administrator's). */
const config = loadConfig(configFileFrom(process.argv.slice(2), process.env, process.cwd()));
console.log(
  stagesOf(config)
    .map((stage) => apiStackName(config.project, stage))
    .join("\n"),
);
