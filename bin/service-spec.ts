import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { cloudFormationSchema, type SpecResource, type SpecTypeDefinition } from "../reference/cloudformation-schema";

interface Database {
  readonly schema: {
    readonly resource: { readonly entities: Record<string, SpecResource> | SpecResource[] };
    readonly typeDefinition: { readonly entities: Record<string, SpecTypeDefinition> | SpecTypeDefinition[] };
  };
}

/** The CloudFormation schemas of these types, from the installed @aws-cdk/aws-service-spec database. */
export function serviceSpecSchemas(typeNames: readonly string[]): Record<string, Record<string, unknown>> {
  const file = require.resolve("@aws-cdk/aws-service-spec/db.json.gz");
  const db = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as Database;
  const resources = Object.values(db.schema.resource.entities);
  const types = new Map(Object.values(db.schema.typeDefinition.entities).map((t) => [t.$id, t]));
  return Object.fromEntries(
    typeNames.map((typeName) => {
      const resource = resources.find((r) => r.cloudFormationType === typeName);
      if (!resource) throw new Error(`@aws-cdk/aws-service-spec has no ${typeName}`);
      return [typeName, cloudFormationSchema(resource, types)];
    }),
  );
}
