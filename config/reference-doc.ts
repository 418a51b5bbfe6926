/**
 * The configuration reference (docs/configuration.md) rendered from the config's JSON Schema, which
 * zod writes from the same schema that validates the config: every field with its type, default,
 * limits and description. Cross-field rules are not in the schema; the doc's prose names them.
 */
type Schema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
};

export const GENERATED_START = "<!-- generated from the config schema by `npm run schema`: do not edit by hand -->";
export const GENERATED_END = "<!-- end of generated reference -->";

/** zod writes JavaScript's safe-integer bounds for an integer without limits of its own. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

const code = (value: unknown) => `\`${JSON.stringify(value)}\``;
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
/** Descriptions name placeholders like <project>, which Markdown would take for HTML tags. */
const prose = (text: string) => text.replace(/[<>]/g, (c) => `\\${c}`);

function typeOf(s: Schema): string {
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(" \\| ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" or ");
  if (s.type === "array") return `array of ${s.items ? typeOf(s.items) : "any"}`;
  if (s.type === "object" && !s.properties && typeof s.additionalProperties === "object")
    return `map of ${typeOf(s.additionalProperties)}`;
  return Array.isArray(s.type) ? s.type.join(" or ") : (s.type ?? "any");
}

function limitsOf(s: Schema): string[] {
  const limits: string[] = [];
  const low = s.minimum !== undefined && s.minimum > -UNBOUNDED ? s.minimum : undefined;
  const high = s.maximum !== undefined && s.maximum < UNBOUNDED ? s.maximum : undefined;
  if (low !== undefined && high !== undefined) limits.push(`${low} to ${high}`);
  else if (low !== undefined) limits.push(`at least ${low}`);
  else if (high !== undefined) limits.push(`at most ${high}`);
  if (s.exclusiveMinimum !== undefined) limits.push(`more than ${s.exclusiveMinimum}`);
  if (s.minLength !== undefined && s.minLength > 0) limits.push(`at least ${count(s.minLength, "character")}`);
  if (s.maxLength !== undefined) limits.push(`at most ${count(s.maxLength, "character")}`);
  if (s.minItems !== undefined && s.minItems > 0) limits.push(`at least ${count(s.minItems, "item")}`);
  if (s.maxItems !== undefined) limits.push(`at most ${count(s.maxItems, "item")}`);
  if (s.pattern !== undefined) limits.push(`pattern \`${s.pattern}\``);
  for (const option of s.anyOf ?? []) limits.push(...limitsOf(option));
  return limits;
}

function line(path: string, s: Schema, required: boolean): string {
  const facts = [typeOf(s), ...limitsOf(s)];
  if (s.default !== undefined && !(typeof s.default === "object" && s.default !== null && !Array.isArray(s.default)))
    facts.push(`default ${code(s.default)}`);
  else if (required) facts.push("required");
  return `- \`${path}\`: ${facts.join("; ")}. ${prose(s.description ?? "")}`.trimEnd();
}

/** Every field under `s`, depth first, as one list line each. */
function fields(s: Schema, path: string): string[] {
  const lines: string[] = [];
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    if (name === "$schema") continue;
    const childPath = path ? `${path}.${name}` : name;
    lines.push(line(childPath, child, (s.required ?? []).includes(name)));
    lines.push(...nested(child, childPath));
  }
  return lines;
}

function nested(s: Schema, path: string): string[] {
  if (s.properties) return fields(s, path);
  if (s.items) return nested(s.items, `${path}[]`);
  return (s.anyOf ?? []).flatMap((option) => nested(option, path));
}

/** The generated part of docs/configuration.md: one section per top-level field. */
export function renderConfigReference(schema: Record<string, unknown>): string {
  const root = schema as Schema;
  const sections = Object.entries(root.properties ?? {})
    .filter(([name]) => name !== "$schema")
    .map(([name, s]) =>
      [`### \`${name}\``, "", line(name, s, (root.required ?? []).includes(name)), ...nested(s, name)].join("\n"),
    );
  return [GENERATED_START, "", ...sections.flatMap((s) => [s, ""]), GENERATED_END].join("\n");
}

/** `doc` with its generated part replaced by `reference`; the prose around it is kept. */
export function withReference(doc: string, reference: string): string {
  const start = doc.indexOf(GENERATED_START);
  const end = doc.indexOf(GENERATED_END);
  if (start < 0 || end < start)
    throw new Error(`docs/configuration.md has lost its markers; put back ${GENERATED_START} and ${GENERATED_END}`);
  return doc.slice(0, start) + reference + doc.slice(end + GENERATED_END.length);
}
