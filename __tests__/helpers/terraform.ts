import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, writeFileSync } from "node:fs";
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
    return { ready: false, reason: 'terraform is not on PATH. Install Terraform >= 1.10 (CI: .ci/run), then run eval "$(../shared/tools/terraform-env)".' };
  }
  // Without TF_CLI_CONFIG_FILE, init downloads the provider from the registry.
  const cliConfig = env.TF_CLI_CONFIG_FILE;
  if (cliConfig && !existsSync(cliConfig)) {
    return { ready: false, reason: `TF_CLI_CONFIG_FILE names ${cliConfig}, which does not exist. Run: eval "$(../shared/tools/terraform-env)".` };
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
 * provider's Secrets Manager calls (the Hugging Face token's data source) to a local stand-in.
 */
export function offlineOverride(secretsManagerUrl?: string): Record<string, unknown> {
  return {
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
    provider: {
      aws: {
        access_key: "offline-plan",
        secret_key: "offline-plan",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        ...(secretsManagerUrl ? { endpoints: [{ secretsmanager: secretsManagerUrl }] } : {}),
      },
    },
  };
}

function tf(cwd: string, args: string[]): string {
  try {
    return execFileSync("terraform", args, {
      cwd,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    const hint =
      args[0] === "init" && !process.env.TF_CLI_CONFIG_FILE
        ? '\nNo network? Point TF_CLI_CONFIG_FILE at a provider mirror: eval "$(../shared/tools/terraform-env)"'
        : "";
    throw new Error(`terraform ${args.join(" ")} failed in ${cwd}:\n${e.stderr ?? ""}\n${e.stdout ?? ""}${hint}`, { cause: err });
  }
}

export interface PlannedStack {
  readonly dir: string;
  readonly validate: { valid: boolean; error_count: number; diagnostics: unknown[] };
  /** `terraform show -json` of the saved plan. */
  readonly plan: PlanJson;
}

export interface PlanJson {
  resource_changes: {
    address: string;
    mode: "managed" | "data";
    type: string;
    name: string;
    change: { actions: string[]; before?: Record<string, any> | null; after: Record<string, any>; after_unknown: Record<string, any> };
  }[];
  configuration: { root_module: { resources: { address: string; type: string; expressions: Record<string, any> }[] } };
  planned_values: { outputs?: Record<string, { value?: unknown; sensitive: boolean }> };
}

/** Copies a synthesised stack, then init + validate (unless told not to) + plan + show -json, with no network and no AWS. */
export function planOffline(stackDir: string, secretsManagerUrl?: string, options: { validate?: boolean } = {}): PlannedStack {
  const dir = tempDir("llm-api-plan-");
  cpSync(stackDir, dir, { recursive: true });
  writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(offlineOverride(secretsManagerUrl), null, 2));
  tf(dir, ["init", "-input=false", "-no-color"]);
  const validate = options.validate === false ? { valid: true, error_count: 0, diagnostics: [] } : JSON.parse(tf(dir, ["validate", "-json", "-no-color"]));
  tf(dir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.bin"]);
  const plan = JSON.parse(tf(dir, ["show", "-json", "plan.bin"]));
  return { dir, validate, plan };
}
