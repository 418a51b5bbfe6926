/**
 * A JSON Schema (draft 4) check for the subset the API's schemas use, so the
 * handlers reject exactly what API Gateway's validator rejects, and say which
 * field is wrong. Returns the first problem, or undefined when the value fits.
 */
export interface Schema {
  readonly type?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly enum?: readonly unknown[];
}

export interface SchemaProblem {
  readonly field: string;
  readonly message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const join = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

export function validate(schema: Schema, value: unknown, path = ""): SchemaProblem | undefined {
  const here = path || "body";
  const actual = typeOf(value);
  if (schema.type && !(schema.type === actual || (schema.type === "number" && actual === "integer"))) {
    return {
      field: here,
      message: `${here} must be ${schema.type === "integer" ? "an integer" : `a${/^[aeiou]/.test(schema.type) ? "n" : ""} ${schema.type}`}, not ${actual}.`,
    };
  }
  if (schema.enum && !schema.enum.includes(value))
    return { field: here, message: `${here} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}.` };
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      return { field: here, message: `${here} must have at least ${schema.minLength} character(s).` };
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      return { field: here, message: `${here} must have at most ${schema.maxLength} characters.` };
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      return { field: here, message: `${here} must be ${schema.exclusiveMinimum ? "greater than" : "at least"} ${schema.minimum}.` };
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      return { field: here, message: `${here} must be ${schema.exclusiveMaximum ? "less than" : "at most"} ${schema.maximum}.` };
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return { field: here, message: `${here} must have at least ${schema.minItems} item(s).` };
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return { field: here, message: `${here} must have at most ${schema.maxItems} items.` };
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const problem = validate(schema.items, value[i], join(path || "body", i));
        if (problem) return problem;
      }
    }
  }
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(object, key)) return { field: join(path, key), message: `${join(path, key)} is required.` };
    }
    for (const [key, item] of Object.entries(object)) {
      const child = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      if (!child) {
        if (schema.additionalProperties === false) return { field: join(path, key), message: `${join(path, key)} is not a supported field.` };
        continue;
      }
      const problem = validate(child, item, join(path, key));
      if (problem) return problem;
    }
  }
  return undefined;
}
