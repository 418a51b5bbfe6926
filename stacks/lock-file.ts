import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config/paths";

/** The provider lock file kept in the repository: same provider build and hashes for every user and CI. */
export const LOCK_FILE = join(PROJECT_ROOT, ".terraform.lock.hcl");

/**
 * Puts the lock file into every synthesised stack. With it present, `cdktf diff`
 * and `deploy` skip `terraform providers lock`, which needs the registry.
 */
export function installLockFile(outdir: string, lockFile = LOCK_FILE): string[] {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) return [];
  const stacks = readdirSync(stacksDir);
  for (const stack of stacks) copyFileSync(lockFile, join(stacksDir, stack, ".terraform.lock.hcl"));
  return stacks;
}
