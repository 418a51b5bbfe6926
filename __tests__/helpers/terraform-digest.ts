import { createHash } from "node:crypto";
import { synth, type StackJson } from "./synth";

/** Function code hashes and zip names change with any edit of a handler; everything else is the Terraform a config makes. */
const CODE_KEYS = new Set(["source_code_hash", "filename"]);

function withoutCode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCode);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !CODE_KEYS.has(key))
      .map(([key, v]) => [key, withoutCode(v)]),
  );
}

/** A digest of each stack of a config as synthesised, code hashes aside: equal digests, equal Terraform. */
export function terraformDigests(configPath: string): Record<string, string> {
  const { stacks } = synth(configPath);
  return Object.fromEntries(
    Object.entries(stacks).map(([name, stack]: [string, StackJson]) => [
      name,
      createHash("sha256")
        .update(JSON.stringify(withoutCode(stack)))
        .digest("hex")
        .slice(0, 16),
    ]),
  );
}
