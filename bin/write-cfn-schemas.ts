import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config/paths";
import { CLOUD_CONTROL_TYPES, schemaFileName } from "../reference/cloudformation";
import { serviceSpecSchemas } from "./service-spec";

/** npm run cfn-schemas: writes reference/cloudformation/<type>.json from the installed @aws-cdk/aws-service-spec. */
for (const [typeName, schema] of Object.entries(serviceSpecSchemas(CLOUD_CONTROL_TYPES))) {
  const target = join(PROJECT_ROOT, "reference", "cloudformation", schemaFileName(typeName));
  writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${target}`);
}
