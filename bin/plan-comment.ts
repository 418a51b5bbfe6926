import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commandLine } from "./args";
import { renderComment, summarizePlan, type PlanJson } from "../deployment/operations/plan-summary";

/**
 * After `cdktf diff` (which saves each stack's plan as `plan`):
 *   node scripts/run-ts.js bin/plan-comment.ts cdktf.out/stacks plan-comment.md
 */
const {
  positionals: [stacksDir = "cdktf.out/stacks", out = "plan-comment.md"],
} = commandLine("bin/plan-comment.ts [STACKS_DIR] [OUT_FILE]", {}, true);
const show = (dir: string, args: string[]) =>
  execFileSync("terraform", ["show", ...args, "plan"], { cwd: dir, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });

const stacks = readdirSync(stacksDir).filter((s) => existsSync(join(stacksDir, s, "plan")));
const summaries = stacks.map((s) => summarizePlan(s, JSON.parse(show(join(stacksDir, s), ["-json"])) as PlanJson));
const fullPlans = Object.fromEntries(stacks.map((s) => [s, show(join(stacksDir, s), ["-no-color"])]));
writeFileSync(out, renderComment(summaries, fullPlans));
console.log(`wrote ${out} for ${stacks.join(", ") || "no stacks"}`);
