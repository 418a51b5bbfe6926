import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../helpers/synth";
import { OPTIONAL_TOOLS, bannerOf, type OptionalTool } from "../helpers/optional-tool";

/**
 * A fresh clone has none of the optional test tools until `npm test` installs them, and may not be
 * able to (no cmake, no registry). Every suite that needs one must then skip with its banner, never
 * fail. This runs those suites with the tools hidden and CI unset, as a newcomer's first run would.
 */
const HELPER_OF: Record<OptionalTool, string> = {
  "iam-simulate": "simulatorOrSkip(",
  ric: "runtimeClientOrSkip(",
  codex: "codexOrSkip(",
  opencode: "opencodeOrSkip(",
};

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

const self = relative(ROOT, __filename);
const needing = Object.fromEntries(
  (Object.keys(OPTIONAL_TOOLS) as OptionalTool[]).map((tool) => [
    tool,
    testFiles(join(ROOT, "__tests__"))
      .filter((f) => readFileSync(f, "utf8").includes(HELPER_OF[tool]))
      .map((f) => relative(ROOT, f))
      .filter((f) => f !== self),
  ]),
) as Record<OptionalTool, string[]>;

describe("a fresh clone without the optional test tools", () => {
  jest.setTimeout(120_000);

  it("finds the suites that need each tool", () => {
    expect(needing["iam-simulate"]).toEqual(
      expect.arrayContaining(["__tests__/security/deploy-role.test.ts", "__tests__/security/iam-simulation.test.ts"]),
    );
    expect(needing.ric).toEqual(expect.arrayContaining(["__tests__/runtime/real-runtime.test.ts"]));
    expect(needing.codex).toEqual(["__tests__/agents/coding-agents.test.ts"]);
    expect(needing.opencode).toEqual(["__tests__/agents/coding-agents.test.ts"]);
  });

  it("passes those suites, each skipped with its banner, when CI is not set", () => {
    const files = [...new Set(Object.values(needing).flat())];
    const env: NodeJS.ProcessEnv = { ...process.env, LLM_API_WITHOUT: "all" };
    delete env.CI;
    const run = spawnSync(
      process.execPath,
      [require.resolve("jest/bin/jest"), "--ci=false", "--runTestsByPath", ...files],
      {
        cwd: ROOT,
        env,
        encoding: "utf8",
      },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect([run.status, output.match(/Tests:.*$/m)?.[0]]).toEqual([0, expect.not.stringMatching(/failed/)]);
    expect(output).not.toMatch(/Tests:.* passed/);
    for (const tool of Object.keys(OPTIONAL_TOOLS) as OptionalTool[])
      expect([tool, output.includes(bannerOf(tool))]).toEqual([tool, true]);
  });

  it("fails those suites under CI=true instead of skipping them", () => {
    const run = spawnSync(
      process.execPath,
      [require.resolve("jest/bin/jest"), "--ci", "--runTestsByPath", needing["iam-simulate"][0]],
      {
        cwd: ROOT,
        env: { ...process.env, CI: "true", LLM_API_WITHOUT: "iam-simulate" },
        encoding: "utf8",
      },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("CI must run the iam simulation tests: hidden by LLM_API_WITHOUT=iam-simulate");
  });
});
