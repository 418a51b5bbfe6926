import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { configJsonSchema } from "../config/json-schema";
import { PROJECT_ROOT } from "../config/paths";

/** Writes the JSON Schema that editors use for completion in llm-api.config.json. */
export const SCHEMA_FILE = join(PROJECT_ROOT, "schema", "llm-api.config.schema.json");

mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
writeFileSync(SCHEMA_FILE, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${SCHEMA_FILE}`);
