import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp";

/**
 * Runs the real Terraform CLI against a synthesised stack, offline: the provider
 * comes from the mirror named by TF_CLI_CONFIG_FILE, and an override file swaps
 * in a local backend and dummy credentials so `plan` makes no AWS call.
 */
export interface TerraformCheck {
  readonly ready: boolean;
  readonly reason?: string;
}

export function terraformCheck(env: NodeJS.ProcessEnv = process.env): TerraformCheck {
  const version = spawnSync("terraform", ["version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) {
    return {
      ready: false,
      reason:
        'terraform is not on PATH. Install Terraform >= 1.10 (CI: .ci/run), then run eval "$(../shared/tools/terraform-env)".',
    };
  }
  // Without TF_CLI_CONFIG_FILE, init downloads the provider from the registry.
  const cliConfig = env.TF_CLI_CONFIG_FILE;
  if (cliConfig && !existsSync(cliConfig)) {
    return {
      ready: false,
      reason: `TF_CLI_CONFIG_FILE names ${cliConfig}, which does not exist. Run: eval "$(../shared/tools/terraform-env)".`,
    };
  }
  return { ready: true };
}

/**
 * Terraform tests fail loudly when Terraform is missing. LLM_API_SKIP_TERRAFORM=1
 * turns that into a skip, announced on stderr, for machines that cannot have it.
 */
export function requireTerraform(): boolean {
  const check = terraformCheck();
  if (check.ready) return true;
  if (process.env.LLM_API_SKIP_TERRAFORM === "1") {
    process.stderr.write(`\n*** TERRAFORM TESTS SKIPPED (LLM_API_SKIP_TERRAFORM=1): ${check.reason} ***\n\n`);
    return false;
  }
  throw new Error(`Terraform tests cannot run: ${check.reason} (set LLM_API_SKIP_TERRAFORM=1 to skip them on purpose)`);
}

/**
 * Local backend, dummy credentials, no account or metadata look-ups; `secretsManagerUrl` sends the
 * provider's Secrets Manager and STS calls (the token data sources, and the caller identity every
 * stack reads for its account) to a local stand-in (fake-secrets-manager.ts).
 */
export function offlineOverride(secretsManagerUrl: string): Record<string, unknown> {
  return {
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
    provider: {
      aws: {
        access_key: "offline-plan",
        secret_key: "offline-plan",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        endpoints: [{ secretsmanager: secretsManagerUrl, sts: secretsManagerUrl }],
      },
    },
  };
}

/** Runs terraform in `cwd`, its output as text; a failure throws with what it printed. */
const run = (cwd: string, args: string[]): string =>
  execFileSync("terraform", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });

/** Runs terraform; a failure throws an error that names the command and holds its output, with a hint where init lacks a mirror. */
export function terraform(cwd: string, args: string[]): string {
  try {
    return run(cwd, args);
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    const hint =
      args[0] === "init" && !process.env.TF_CLI_CONFIG_FILE
        ? '\nNo network? Point TF_CLI_CONFIG_FILE at a provider mirror: eval "$(../shared/tools/terraform-env)"'
        : "";
    throw new Error(`terraform ${args.join(" ")} failed in ${cwd}:\n${e.stderr ?? ""}\n${e.stdout ?? ""}${hint}`, {
      cause: err,
    });
  }
}

/** Runs terraform; on failure returns its output (stderr and stdout) instead of throwing, for tests of what fails. */
export function attemptTerraform(cwd: string, args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: run(cwd, args) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stderr ?? ""}\n${e.stdout ?? ""}` };
  }
}

export interface PlannedStack {
  readonly dir: string;
  readonly validate: { valid: boolean; error_count: number; diagnostics: unknown[] };
  /** `terraform show -json` of the saved plan. */
  readonly plan: PlanJson;
}

interface ModuleConfiguration {
  resources: { address: string; type: string; expressions: Record<string, any> }[];
  module_calls?: Record<string, { module: ModuleConfiguration }>;
}

export interface PlanJson {
  resource_changes: {
    address: string;
    module_address?: string;
    mode: "managed" | "data";
    type: string;
    name: string;
    change: {
      actions: string[];
      before?: Record<string, any> | null;
      after: Record<string, any>;
      after_unknown: Record<string, any>;
    };
  }[];
  configuration: { root_module: ModuleConfiguration };
  planned_values: { outputs?: Record<string, { value?: unknown; sensitive: boolean }> };
}

/** Copies a synthesised stack, then init + validate (unless told not to) + plan + show -json, with no network and no AWS. */
export function planOffline(
  stackDir: string,
  secretsManagerUrl: string,
  options: { validate?: boolean } = {},
): PlannedStack {
  const dir = tempDir("llm-api-plan-");
  cpSync(stackDir, dir, { recursive: true });
  writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(offlineOverride(secretsManagerUrl), null, 2));
  terraform(dir, ["init", "-input=false", "-no-color"]);
  const validate =
    options.validate === false
      ? { valid: true, error_count: 0, diagnostics: [] }
      : JSON.parse(terraform(dir, ["validate", "-json", "-no-color"]));
  terraform(dir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.bin"]);
  const plan = JSON.parse(terraform(dir, ["show", "-json", "plan.bin"]));
  return { dir, validate, plan };
}

/** Diagnostics that only say a stack is planned as a module of a combined root (planStacksOffline). */
const AS_MODULE = new Set(["Backend configuration ignored"]);

/**
 * Plans several synthesised stacks in one Terraform run: each stack, with its offline override, is a
 * module of one root. Every Terraform command starts the 700 MB AWS provider and loads its schema
 * (about 3 s each here); one init, validate, plan and show for all stacks of a config instead of one
 * each took a two-stage config's four stacks from 48 s to 17 s. The plan is split back per stack:
 * the same resource changes, configuration and outputs as planning each stack alone would give.
 */
export function planStacksOffline(
  stackDirs: Readonly<Record<string, string>>,
  secretsManagerUrl: string,
  options: { validate?: boolean } = {},
): Record<string, PlannedStack> {
  const dir = tempDir("llm-api-plan-");
  const override = offlineOverride(secretsManagerUrl);
  const modules: Record<string, { source: string }> = {};
  const outputs: Record<string, { value: string; sensitive: boolean }> = {};
  const outputOf: Record<string, [string, string]> = {};
  for (const [name, stackDir] of Object.entries(stackDirs)) {
    cpSync(stackDir, join(dir, name), { recursive: true });
    writeFileSync(
      join(dir, name, "offline_override.tf.json"),
      JSON.stringify({ provider: override.provider }, null, 2),
    );
    modules[name] = { source: `./${name}` };
    const stack = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
      output?: Record<string, { sensitive?: boolean }>;
    };
    for (const [out, spec] of Object.entries(stack.output ?? {})) {
      const key = `o${Object.keys(outputOf).length}`;
      outputs[key] = { value: `\${module.${name}.${out}}`, sensitive: spec.sensitive === true };
      outputOf[key] = [name, out];
    }
  }
  const first = Object.values(stackDirs)[0];
  cpSync(join(first, ".terraform.lock.hcl"), join(dir, ".terraform.lock.hcl"));
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({ terraform: override.terraform, module: modules, output: outputs }, null, 2),
  );
  terraform(dir, ["init", "-input=false", "-no-color"]);
  // `terraform plan` validates the configuration first and fails on any error; a separate `validate`
  // (another start of the 700 MB provider) is asked for where its own report is wanted.
  const validated: PlannedStack["validate"] =
    options.validate === false
      ? { valid: true, error_count: 0, diagnostics: [] }
      : JSON.parse(terraform(dir, ["validate", "-json", "-no-color"]));
  terraform(dir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.bin"]);
  const plan = JSON.parse(terraform(dir, ["show", "-json", "plan.bin"])) as PlanJson;
  const diagnostics = validated.diagnostics.filter((d) => !AS_MODULE.has((d as { summary?: string }).summary ?? ""));
  const split: Record<string, PlannedStack> = {};
  for (const name of Object.keys(stackDirs)) {
    const prefix = `module.${name}.`;
    const own = Object.entries(plan.planned_values.outputs ?? {}).filter(([key]) => outputOf[key]?.[0] === name);
    split[name] = {
      dir: join(dir, name),
      validate: { ...validated, diagnostics },
      plan: {
        resource_changes: plan.resource_changes
          .filter((r) => r.module_address === `module.${name}`)
          .map(({ module_address: _, ...r }) => ({ ...r, address: r.address.slice(prefix.length) })),
        configuration: { root_module: plan.configuration.root_module.module_calls![name].module },
        planned_values: { outputs: Object.fromEntries(own.map(([key, value]) => [outputOf[key][1], value])) },
      },
    };
  }
  return split;
}
