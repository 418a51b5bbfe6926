/**
 * The optional test tools: what `npm test` installs where it can (scripts/setup-*.sh --if-possible)
 * and `.ci/run` must have. A suite that needs one runs when it is there; otherwise it is skipped with a
 * banner, and under CI=true the run fails instead.
 *
 * LLM_API_WITHOUT=ric,iam-simulate,codex,opencode (or all) hides installed tools, so that a test can prove the suite
 * passes on a fresh clone without them (fresh-clone.test.ts).
 */
export const OPTIONAL_TOOLS = {
  "iam-simulate": "IAM SIMULATION",
  ric: "LAMBDA RUNTIME CLIENT",
  codex: "CODEX CLI",
  opencode: "OPENCODE",
} as const;
export type OptionalTool = keyof typeof OPTIONAL_TOOLS;

export const bannerOf = (tool: OptionalTool) => `*** ${OPTIONAL_TOOLS[tool]} TESTS SKIPPED`;

function hidden(tool: OptionalTool): boolean {
  const without = (process.env.LLM_API_WITHOUT ?? "").split(",").map((t) => t.trim());
  return without.includes(tool) || without.includes("all");
}

/** The tool `find` returns, or null after a banner; `find` returns a string saying why the tool is missing. */
export function optionalTool<T>(tool: OptionalTool, find: () => T | string): T | null {
  const found: T | string = hidden(tool) ? `hidden by LLM_API_WITHOUT=${process.env.LLM_API_WITHOUT}` : find();
  if (typeof found !== "string") return found;
  if (process.env.CI === "true")
    throw new Error(`CI must run the ${OPTIONAL_TOOLS[tool].toLowerCase()} tests: ${found}`);
  process.stderr.write(`\n${bannerOf(tool)}: ${found} ***\n\n`);
  return null;
}
