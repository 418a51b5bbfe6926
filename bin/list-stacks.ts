import { stagesOf } from "../config/schema";
import { commandLine, configFrom } from "./args";
import { apiStackName } from "../deployment/names";

/** The API stacks of the config, one per line: what CI plans and deploys (state and CI stacks are an administrator's). */
const config = configFrom(commandLine("npm run list-stacks [-- --config FILE]", {}).values.config);
console.log(
  stagesOf(config)
    .map((stage) => apiStackName(config.project, stage))
    .join("\n"),
);
