/**
 * API Gateway imports an OpenAPI body with `fail_on_warnings`, so one construct it does not
 * support fails the apply. The developer guide's "Amazon API Gateway important notes for REST
 * APIs" lists these schema keywords as unsupported in models (JSON Schema draft 4 otherwise);
 * exclusiveMaximum goes with exclusiveMinimum, and pattern is in the list's earlier editions.
 */
export const UNSUPPORTED_MODEL_KEYWORDS = [
  "additionalProperties",
  "anyOf",
  "oneOf",
  "allOf",
  "discriminator",
  "example",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "readOnly",
  "pattern",
  "deprecated",
] as const;

/** Number formats the guide lists as unsupported. */
export const UNSUPPORTED_FORMATS = ["int32", "int64", "decimal"] as const;

type Schema = { readonly [key: string]: unknown };

/**
 * The part of a request schema that API Gateway can check itself. What it leaves out (unknown
 * keys, exclusive bounds, alternatives) the handlers still check with the full schema, so a
 * request either side refuses gets a 400; only the gateway's check is coarser.
 */
export function gatewayModel(schema: Schema): Schema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if ((UNSUPPORTED_MODEL_KEYWORDS as readonly string[]).includes(key)) continue;
    if (key === "format" && (UNSUPPORTED_FORMATS as readonly string[]).includes(value as string)) continue;
    // OpenAPI 3.0's nullable is draft 4's type list.
    if (key === "nullable") continue;
    if (key === "type" && schema.nullable === true) {
      out[key] = [value, "null"];
      continue;
    }
    if (key === "properties") out[key] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([name, s]) => [name, gatewayModel(s)]));
    else if (key === "items" && value && typeof value === "object" && !Array.isArray(value)) out[key] = gatewayModel(value as Schema);
    else out[key] = value;
  }
  return out;
}
