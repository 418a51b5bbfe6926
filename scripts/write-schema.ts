import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { configJsonSchema } from "../config/json-schema";

/** Writes the JSON Schema that editors use for completion in llm-api.config.json. */
const target = resolve(__dirname, "..", "schema", "llm-api.config.schema.json");
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
