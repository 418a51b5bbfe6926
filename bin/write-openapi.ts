import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stagesOf } from "../config/schema";
import { commandLine, configFrom } from "./args";
import { PROJECT_ROOT } from "../config/paths";
import { placeholderDocument } from "../deployment/openapi/placeholder-document";
import { publicDocument } from "../deployment/openapi/public-document";
import { resolveStage } from "../deployment/resolve";

/** npm run openapi [-- --config FILE]: writes openapi/llm-api.openapi.json for clients and SDK generators. */
const config = configFrom(commandLine("npm run openapi [-- --config FILE]", {}).values.config);
const stage = stagesOf(config)[0];
const target = join(PROJECT_ROOT, "openapi", `${config.project}.openapi.json`);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(
  target,
  `${JSON.stringify(publicDocument(placeholderDocument(resolveStage(config, stage), "public"), stage), null, 2)}\n`,
);
console.log(`wrote ${target}`);
