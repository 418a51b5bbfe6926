import { stagesOf } from "../config/schema";
import { resolveStage } from "../deployment/resolve";
import { commandLine, configFrom } from "./args";

/**
 * `npm run keys [-- --config FILE]`: per stage and consumer, the command that reads its key by the key
 * id the stack outputs (api_key_ids, or api_key_id), never by name: names are not unique in API Gateway
 * (a query for "team" also finds "team-key"). Key values are never printed here: they live in API
 * Gateway, and reading one is a choice. The stack folder must know its state (after cdktf deploy, or
 * terraform init there).
 */
const config = configFrom(commandLine("npm run keys [-- --config FILE]", {}).values.config);
if (config.api.auth !== "apiKey") {
  console.log(`api.auth is "${config.api.auth}": this API has no keys.`);
} else {
  for (const stage of stagesOf(config)) {
    const deployment = resolveStage(config, stage);
    const output = `terraform -chdir=cdktf.out/stacks/${config.project}-${stage} output`;
    const idOf = (consumer: string) =>
      `${output} -json api_key_ids | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8"))[${JSON.stringify(consumer)}]'`;
    const keys = deployment.consumers?.map((c) => [c.name, idOf(c.name)] as const) ?? [
      ["(all)", `${output} -raw api_key_id`] as const,
    ];
    for (const [consumer, id] of keys) {
      console.log(
        `${stage} ${consumer}: aws apigateway get-api-key --region ${config.region} --api-key "$(${id})" --include-value --query value --output text`,
      );
    }
  }
}
