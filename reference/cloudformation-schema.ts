/**
 * CloudFormation resource schemas for the types this product manages through Cloud Control, built
 * from the resource specifications of the `@aws-cdk/aws-service-spec` npm package (the AWS CDK's
 * own import of the CloudFormation registry). `npm run cfn-schemas` writes them to
 * reference/cloudformation/; a test checks the files match the installed package.
 *
 * What the specification keeps is what a schema needs for the provider's plan-time check: property
 * types, required properties, allowed values, which top-level properties cannot change in place
 * (`causesReplacement`), the read-only attributes and the primary identifier. It keeps no string
 * patterns or number ranges: those SageMaker checks when the apply calls it.
 */

/** A type as the service specification writes it. */
export type SpecType =
  | { readonly type: "string"; readonly allowedValues?: readonly string[] }
  | { readonly type: "integer" | "number" | "boolean" | "json" | "date-time" | "null" | "tag" }
  | { readonly type: "ref"; readonly reference: { readonly $ref: string } }
  | { readonly type: "array" | "map"; readonly element: SpecType }
  | { readonly type: "union"; readonly types: readonly SpecType[] };

export interface SpecProperty {
  readonly type: SpecType;
  readonly required?: boolean;
  readonly causesReplacement?: "yes" | "no" | "maybe";
}

export interface SpecTypeDefinition {
  readonly $id: string;
  readonly name: string;
  readonly properties: Readonly<Record<string, SpecProperty>>;
}

export interface SpecResource {
  readonly cloudFormationType: string;
  readonly primaryIdentifier?: readonly string[];
  readonly properties: Readonly<Record<string, SpecProperty>>;
  readonly attributes: Readonly<Record<string, { readonly type: SpecType }>>;
}

type JsonSchema = Record<string, unknown>;

/**
 * Where the specification says less than the service does. UpdateInferenceComponent (SageMaker API
 * reference, request syntax) takes neither EndpointName nor VariantName, and InferenceComponentName
 * only to say which component: a component moves to another endpoint, or takes another name, only as
 * a new component, so a change of any of them must plan a replacement.
 */
export const CREATE_ONLY_OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  "AWS::SageMaker::InferenceComponent": ["InferenceComponentName", "EndpointName", "VariantName"],
};

/**
 * What the specification leaves out: the properties a read never returns, so Cloud Control cannot
 * apply a patch on them (it patches what the read handler returns). From the CloudFormation
 * registry schema's writeOnlyProperties, as the awscc provider carries it
 * (hashicorp/terraform-provider-awscc, internal/service/cloudformation/schemas/
 * AWS_SageMaker_InferenceComponent.json); the endpoint config's schema lists none.
 */
export const WRITE_ONLY_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  "AWS::SageMaker::InferenceComponent": [
    "/properties/Specification/Container/Image",
    "/properties/RuntimeConfig/CopyCount",
    "/properties/DeploymentConfig",
  ],
};

const TAG: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: { Key: { type: "string" }, Value: { type: "string" } },
  required: ["Key", "Value"],
};

/** Properties whose change replaces the resource: as the specification says, and as the registry's schema adds. */
function createOnlyOf(resource: SpecResource): string[] {
  const overridden = CREATE_ONLY_OVERRIDES[resource.cloudFormationType] ?? [];
  return Object.keys(resource.properties).filter(
    (name) => resource.properties[name].causesReplacement === "yes" || overridden.includes(name),
  );
}

/** A scalar type's schema; undefined for the kinds that refer to other types. */
function scalarSchema(type: SpecType): JsonSchema | undefined {
  switch (type.type) {
    case "string":
      return type.allowedValues ? { type: "string", enum: [...type.allowedValues] } : { type: "string" };
    case "integer":
    case "number":
    case "boolean":
      return { type: type.type };
    case "date-time":
      return { type: "string" };
    case "json":
      return { type: "object" };
    case "null":
      return { type: "null" };
    default:
      return undefined;
  }
}

/** The schemas of a resource's property types, each named type once under definitions. */
function schemaBuilder(resource: SpecResource, typeDefinitions: ReadonlyMap<string, SpecTypeDefinition>) {
  const definitions: Record<string, JsonSchema> = {};
  const nameOf = new Map<string, string>();

  const definitionName = (id: string): string => {
    const known = nameOf.get(id);
    if (known) return known;
    const definition = typeDefinitions.get(id);
    if (!definition) throw new Error(`${resource.cloudFormationType}: no type definition ${id}`);
    let name = definition.name;
    // Two types of one resource may share a name (per-instance-type variants): number the second.
    for (let n = 2; [...nameOf.values()].includes(name); n++) name = `${definition.name}${n}`;
    nameOf.set(id, name);
    definitions[name] = objectSchema(definition.properties);
    return name;
  };

  const typeSchema = (type: SpecType): JsonSchema => {
    const scalar = scalarSchema(type);
    if (scalar) return scalar;
    switch (type.type) {
      case "tag":
        definitions.Tag = TAG;
        return { $ref: "#/definitions/Tag" };
      case "ref":
        return { $ref: `#/definitions/${definitionName(type.reference.$ref)}` };
      case "array":
        return { type: "array", items: typeSchema(type.element) };
      case "map":
        return { type: "object", patternProperties: { ".*": typeSchema(type.element) }, additionalProperties: false };
      case "union":
        return { anyOf: type.types.map(typeSchema) };
      default:
        throw new Error(`${resource.cloudFormationType}: a type of kind ${type.type} is not known`);
    }
  };

  const objectSchema = (properties: Readonly<Record<string, SpecProperty>>): JsonSchema => {
    const required = Object.keys(properties).filter((name) => properties[name].required);
    return {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, typeSchema(property.type)]),
      ),
      ...(required.length > 0 ? { required } : {}),
    };
  };

  return { definitions, typeSchema, objectSchema };
}

/** The CloudFormation resource schema of one resource type, with every type it refers to under definitions. */
export function cloudFormationSchema(
  resource: SpecResource,
  typeDefinitions: ReadonlyMap<string, SpecTypeDefinition>,
): JsonSchema {
  const { definitions, typeSchema, objectSchema } = schemaBuilder(resource, typeDefinitions);
  const top = objectSchema(resource.properties);
  // Attributes are read-only top-level properties (a dotted name is a nested one: the property
  // that holds it is writable and already described).
  const attributes = Object.keys(resource.attributes).filter(
    (name) => !name.includes(".") && !(name in resource.properties),
  );
  const properties = { ...(top.properties as JsonSchema) };
  for (const name of attributes) properties[name] = typeSchema(resource.attributes[name].type);
  const createOnly = createOnlyOf(resource);

  return {
    typeName: resource.cloudFormationType,
    description: `Resource schema for ${resource.cloudFormationType}, from the @aws-cdk/aws-service-spec resource specification.`,
    additionalProperties: false,
    properties,
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b))),
    ...(top.required ? { required: top.required } : {}),
    ...(createOnly.length > 0 ? { createOnlyProperties: createOnly.map((name) => `/properties/${name}`) } : {}),
    readOnlyProperties: attributes.map((name) => `/properties/${name}`),
    ...(WRITE_ONLY_PROPERTIES[resource.cloudFormationType]
      ? { writeOnlyProperties: [...WRITE_ONLY_PROPERTIES[resource.cloudFormationType]] }
      : {}),
    primaryIdentifier: (resource.primaryIdentifier ?? []).map((name) => `/properties/${name}`),
  };
}
