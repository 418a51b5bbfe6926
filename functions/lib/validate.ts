import type { CompiledValidator, ValidationError } from "../../contract/validators";
import { echo } from "./errors";

/**
 * The first problem of a request body, as a field and a sentence that names it, from a
 * validator compiled by Ajv (draft 4, as API Gateway checks the same schema).
 */
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

/** "/parameters/stop/1" -> "parameters.stop[1]". */
function fieldOf(instancePath: string, child?: unknown): string {
  const parts = instancePath.split("/").slice(1);
  if (typeof child === "string") parts.push(child);
  const path = parts
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((at, p) => (/^\d+$/.test(p) ? `${at}[${p}]` : at ? `${at}.${p}` : p), "");
  return path || "body";
}

const article = (type: string) => (type === "integer" ? "an integer" : `a${/^[aeiou]/.test(type) ? "n" : ""} ${type}`);
const LIMIT: Record<string, string> = { ">": "greater than", ">=": "at least", "<": "less than", "<=": "at most" };

/** The value at a JSON pointer of the body (Ajv's errors carry none unless compiled verbose, which embeds the schemas). */
function valueAt(value: unknown, instancePath: string): unknown {
  return instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>(
      (at, key) => (at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined),
      value,
    );
}

function describe(e: ValidationError, body: unknown): SchemaProblem {
  const p = e.params;
  if (e.keyword === "required") {
    const field = echo(fieldOf(e.instancePath, p.missingProperty));
    return { field, message: `${field} is required.` };
  }
  if (e.keyword === "additionalProperties") {
    const field = echo(fieldOf(e.instancePath, p.additionalProperty));
    return { field, message: `${field} is not a supported field.` };
  }
  // Field names can be the client's own keys: an error repeats a short prefix at most.
  const field = echo(fieldOf(e.instancePath));
  const sentence = (rest: string) => ({ field, message: `${field} ${rest}.` });
  switch (e.keyword) {
    case "type":
      return sentence(`must be ${article(String(p.type))}, not ${typeOf(valueAt(body, e.instancePath))}`);
    case "enum":
      return sentence(`must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`);
    case "minimum":
    case "maximum":
      return sentence(`must be ${LIMIT[String(p.comparison)]} ${String(p.limit)}`);
    case "pattern":
      return sentence(`must match ${String(p.pattern)}`);
    case "minLength":
      return sentence(`must have at least ${String(p.limit)} character(s)`);
    case "maxLength":
      return sentence(`must have at most ${String(p.limit)} characters`);
    case "minItems":
      return sentence(`must have at least ${String(p.limit)} item(s)`);
    case "maxItems":
      return sentence(`must have at most ${String(p.limit)} items`);
    default:
      return sentence(`does not fit the schema (${e.keyword})`);
  }
}

/** The first problem of `value`, or undefined when it fits. */
export function problemOf(validator: CompiledValidator, value: unknown): SchemaProblem | undefined {
  if (validator(value)) return undefined;
  const first = validator.errors?.[0];
  return first ? describe(first, value) : { field: "body", message: "body does not fit the schema." };
}

interface NullableSchema {
  readonly type?: unknown;
  readonly properties?: Readonly<Record<string, NullableSchema>>;
  readonly items?: NullableSchema;
  readonly nullable?: boolean;
}

/** Whether a field's schema lets it be null: marked nullable, or any JSON at all (no type). */
const allowsNull = (schema: NullableSchema) => schema.nullable === true || schema.type === undefined;

/**
 * The value without the nulls its schema allows: OpenAI reads null in an optional field as "not
 * given", so the handlers see such a field as absent. Only declared fields lose a null; a client's
 * own JSON inside them (a tool's parameters, a response schema) is left as sent.
 */
export function withoutNulls(schema: NullableSchema, value: unknown): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((item) => withoutNulls(schema.items!, item)) : value;
  const properties = schema.properties;
  if (value === null || typeof value !== "object" || !properties) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(v === null && Object.hasOwn(properties, key) && allowsNull(properties[key])))
      .map(([key, v]) => [key, Object.hasOwn(properties, key) ? withoutNulls(properties[key], v) : v]),
  );
}
