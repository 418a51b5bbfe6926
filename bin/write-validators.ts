import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config/paths";
import { standaloneValidators } from "../deployment/openapi/validators";

/** npm run validators: compiles the request schemas of contract/ into contract/validators.generated.js. */
const target = join(PROJECT_ROOT, "contract", "validators.generated.js");
writeFileSync(target, standaloneValidators());
console.log(`wrote ${target}`);
