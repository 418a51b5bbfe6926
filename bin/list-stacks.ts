import { stagesOf } from "../config/schema";
import { configFromCommandLine } from "../config/cli";
import { apiStackName } from "../deployment/names";

/** The API stacks of the config, one per line: what CI plans and deploys (state and CI stacks are an administrator's). */
const config = configFromCommandLine();
console.log(
  stagesOf(config)
    .map((stage) => apiStackName(config.project, stage))
    .join("\n"),
);
