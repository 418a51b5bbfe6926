import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchema } from "../config/json-schema";
import { PROJECT_ROOT } from "../config/paths";
import { renderConfigReference, withReference } from "../config/reference-doc";

/** Writes what is generated from the config schema: the JSON Schema editors complete from, and the reference in docs/configuration.md. */
export const SCHEMA_FILE = join(PROJECT_ROOT, "schema", "llm-api.config.schema.json");
export const REFERENCE_FILE = join(PROJECT_ROOT, "docs", "configuration.md");

const schema = configJsonSchema();
writeFileSync(SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`wrote ${SCHEMA_FILE}`);
writeFileSync(REFERENCE_FILE, withReference(readFileSync(REFERENCE_FILE, "utf8"), renderConfigReference(schema)));
console.log(`wrote ${REFERENCE_FILE}`);
