import type { z } from "zod";

/** A config that cannot be used; `problems` holds one line per problem, each naming its JSON path. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** `models[0].instance.type` from `["models", 0, "instance", "type"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    // Keys that are not plain names (spaces, dots, empty) are quoted, so the path stays readable.
    else if (!/^[A-Za-z_$][\w$-]*$/.test(String(part))) out += `[${JSON.stringify(String(part))}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(top level)";
}

function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** zod's names of kinds that do not read as English. */
const KIND_WORDS: Record<string, string> = { int: "a whole number", nan: "a number" };

/** One readable line per zod issue: path, what was found, and the fix. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const at = jsonPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys":
      return `${jsonPath([...issue.path, issue.keys[0]])}: unknown key${issue.keys.length > 1 ? `s ${issue.keys.map((k) => `"${k}"`).join(", ")}` : ""}. Fix: remove ${issue.keys.length > 1 ? "them" : "it"} or correct the spelling (see schema/llm-api.config.schema.json)`;
    case "invalid_type":
      return input === undefined
        ? `${at}: is required. Fix: add ${at} (${issue.expected})`
        : `${at}: expected ${KIND_WORDS[issue.expected] ?? issue.expected}, got ${shown(input)}. Fix: give ${KIND_WORDS[issue.expected] ?? `a ${issue.expected}`}`;
    case "invalid_value":
      return `${at}: got ${shown(input)}. Fix: use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union": {
      return `${at}: got ${shown(input)}, which is not an allowed value. Fix: see the description of ${at} in schema/llm-api.config.schema.json`;
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const limit = String(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const what = issue.origin === "string" ? " characters long" : issue.origin === "array" ? " entries" : "";
      const custom = issue.message.includes("Fix:")
        ? issue.message
        : `must be ${bound} ${limit}${what}. Fix: change it to ${bound} ${limit}${what}`;
      return `${at}: got ${shown(input)}; ${custom}`;
    }
    case "custom":
      return `${at}: ${issue.message}`;
    case "invalid_key": {
      // A record key that failed its own check: say what the check says.
      const inner = issue.issues.find((i) => i.message.includes("Fix:"))?.message;
      return inner
        ? `${at}: got ${shown(input)}; ${inner}`
        : `${at}: ${JSON.stringify(String(issue.path.at(-1)))} is not an allowed name. Fix: rename it`;
    }
    default:
      return issue.message.includes("Fix:")
        ? `${at}: got ${shown(input)}; ${issue.message}`
        : `${at}: got ${shown(input)}; ${issue.message}. Fix: correct ${at}`;
  }
}
