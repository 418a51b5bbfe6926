import { spawnSync } from "node:child_process";
import { stateStackName } from "../deployment/names";
import { commandLine, configFrom } from "./args";

/**
 * `npm run destroy -- <stack>`: cdktf destroy, except for the state bucket,
 * which has prevent_destroy because every stage's state lives in it.
 */
const args = commandLine(
  "npm run destroy -- <stack>... [--auto-approve] [--config FILE]",
  { "auto-approve": { type: "boolean" } },
  true,
);
// parseArgs types positionals by a literal allowPositionals; commandLine passes a boolean.
const stacks = args.positionals as string[];
const config = configFrom(args.values.config);
const state = stateStackName(config.project);
if (stacks.length === 0) {
  console.error(
    "Name the stack to destroy, e.g. npm run destroy -- llm-api-v1 (GPU endpoints stop billing when destroyed).",
  );
  process.exit(2);
}
if (stacks.includes(state)) {
  console.error(`Refusing to destroy ${state}: its bucket holds the Terraform state of every stage and has prevent_destroy.
Destroy every API stack first. If you really mean it, remove "preventDestroy" from stacks/state-stack.ts,
empty the bucket (all object versions), then run: npx cdktf destroy ${state}`);
  process.exit(1);
}
const run = spawnSync(
  "npx",
  ["cdktf", "destroy", ...stacks, ...(args.values["auto-approve"] ? ["--auto-approve"] : [])],
  { stdio: "inherit" },
);
process.exit(run.status ?? 1);
