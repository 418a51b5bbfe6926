import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stagesOf } from "../config/schema";
import { configFromCommandLine } from "../config/cli";
import { PROJECT_ROOT } from "../config/paths";
import { placeholderDocument } from "../modules/api-document";
import { publicOpenApiDocument } from "../modules/public-openapi";

/** npm run openapi [-- --config FILE]: writes openapi/llm-api.openapi.json for clients and SDK generators. */
const config = configFromCommandLine();
const stage = stagesOf(config)[0];
const target = join(PROJECT_ROOT, "openapi", `${config.project}.openapi.json`);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(publicOpenApiDocument(placeholderDocument(config, stage, "public"), stage), null, 2)}\n`);
console.log(`wrote ${target}`);
