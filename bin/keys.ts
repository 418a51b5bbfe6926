import { stagesOf } from "../config/schema";
import { resolve } from "../deployment/resolve";
import { commandLine, configFrom } from "./args";

/**
 * `npm run keys [-- --config FILE]`: per stage and consumer, the AWS CLI command that reads its key.
 * Key values are never printed here: they live in API Gateway, and reading one is a choice.
 */
const config = configFrom(commandLine("npm run keys [-- --config FILE]", {}).values.config);
if (config.api.auth !== "apiKey") {
  console.log(`api.auth is "${config.api.auth}": this API has no keys.`);
} else {
  for (const stage of stagesOf(config)) {
    const deployment = resolve(config, stage);
    const keys = deployment.consumers?.map((c) => [c.name, c.keyName] as const) ?? [["(all)", deployment.names.apiKey] as const];
    for (const [consumer, name] of keys) {
      console.log(
        `${stage} ${consumer}: aws apigateway get-api-keys --region ${config.region} --name-query ${name} --include-values --query 'items[0].value' --output text`,
      );
    }
  }
}
