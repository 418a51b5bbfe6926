import { execFileSync } from "node:child_process";
import type { PlanJson } from "./terraform";

/**
 * Pieces of the plans against a deployed state (endpoint-update and component-update tests): the
 * dependencies an apply records in state, a Terraform runner, and the apply order of a saved plan.
 */

/** The resources a resource refers to or depends on, from the plan's configuration, as an apply records them. */
export function dependenciesOf(plan: PlanJson, address: string): string[] {
  const resource = plan.configuration.root_module.resources.find((r) => r.address === address) as {
    expressions: unknown;
    depends_on?: string[];
  };
  const found = new Set<string>(resource.depends_on ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object")
      for (const [key, v] of Object.entries(value)) {
        if (key === "references") for (const ref of v as string[]) found.add(ref.split(".").slice(0, 2).join("."));
        else walk(v);
      }
  };
  walk(resource.expressions);
  return [...found].filter((a) => !a.startsWith("data.") && !a.startsWith("var.") && a !== address).sort();
}

export const terraformIn = (dir: string, args: string[]): string =>
  execFileSync("terraform", args, {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });

/** Whether applying the saved plan `plan.bin` in `dir` runs `later` after `earlier` (edges of `terraform graph`). */
export function applyOrder(dir: string): (later: string, earlier: string) => boolean {
  const edges = [
    ...terraformIn(dir, ["graph", "-plan=plan.bin"]).matchAll(/"(?:\[root\] )?([^"]+)" -> "(?:\[root\] )?([^"]+)"/g),
  ].map((m) => [m[1], m[2]] as const);
  // In Terraform's graph an edge points from a node to what it depends on.
  return (later, earlier) => {
    const seen = new Set<string>();
    const walk = (node: string): boolean => {
      if (node === earlier) return true;
      if (seen.has(node)) return false;
      seen.add(node);
      return edges.filter(([from]) => from === node).some(([, to]) => walk(to));
    };
    return walk(later);
  };
}
