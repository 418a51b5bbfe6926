import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./synth";
import { optionalTool } from "./optional-tool";

/**
 * The IAM policy simulator (@cloud-copilot/iam-simulate, which evaluates policies against AWS's
 * service authorization reference). It is AGPL-licensed, so it lives outside the project's
 * dependencies, in tools/iam-simulate, installed by scripts/setup-iam-simulate.sh (.ci/run runs it).
 * These types cover what the tests use of it.
 */
export interface Simulation {
  readonly identityPolicies: readonly { readonly name: string; readonly policy: unknown }[];
  readonly serviceControlPolicies: readonly unknown[];
  readonly resourceControlPolicies: readonly unknown[];
  readonly resourcePolicy?: unknown;
  readonly permissionBoundaryPolicies?: readonly { readonly name: string; readonly policy: unknown }[];
  readonly request: {
    readonly action: string;
    readonly principal: string;
    readonly resource: { readonly accountId: string; readonly resource: string };
    readonly contextVariables: Readonly<Record<string, string | string[]>>;
  };
}

export type SimulationResult =
  | { readonly resultType: "error"; readonly errors: unknown }
  | { readonly resultType: "single" | "wildcard"; readonly overallResult: string };
export type RunSimulation = (simulation: Simulation, options: object) => Promise<SimulationResult>;

const SIMULATOR = join(ROOT, "tools", "iam-simulate", "node_modules", "@cloud-copilot", "iam-simulate");

/** The simulator, or null with a loud notice when it is not installed. Under CI=true a missing one fails the run. */
export function simulatorOrSkip(): RunSimulation | null {
  return optionalTool("iam-simulate", () =>
    existsSync(SIMULATOR)
      ? (require(join(SIMULATOR, "dist", "cjs", "index.js")) as { runSimulation: RunSimulation }).runSimulation
      : "the IAM policy simulator is not installed (bash scripts/setup-iam-simulate.sh; it is AGPL-3.0, test-only)",
  );
}
