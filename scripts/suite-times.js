// Runs the jest suites (all, or the paths given) and prints each suite's wall time, slowest first:
// where `npm test` spends its time. Usage: npm run bench:tests [-- <jest args>]
const { spawnSync } = require("node:child_process");
const { mkdtempSync, readFileSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, relative } = require("node:path");

const root = join(__dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "llm-api-suite-times-"));
const out = join(dir, "results.json");
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [require.resolve("jest/bin/jest"), "--json", `--outputFile=${out}`, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  },
);
const wall = (Date.now() - started) / 1000;
const results = JSON.parse(readFileSync(out, "utf8"));
rmSync(dir, { recursive: true, force: true });

const rows = results.testResults
  .map((t) => ({
    seconds: (t.endTime - t.startTime) / 1000,
    suite: relative(root, t.name),
    tests: t.assertionResults.length,
    status: t.status,
  }))
  .sort((a, b) => b.seconds - a.seconds);
const busy = rows.reduce((sum, r) => sum + r.seconds, 0);
console.log(`${"seconds".padStart(8)}  tests  suite`);
for (const r of rows)
  console.log(
    `${r.seconds.toFixed(1).padStart(8)}  ${String(r.tests).padStart(5)}  ${r.suite}${r.status === "passed" ? "" : `  (${r.status})`}`,
  );
console.log(
  `\n${rows.length} suites, ${results.numTotalTests} tests (${results.numFailedTests} failed, ${results.numPendingTests} skipped): ` +
    `${wall.toFixed(0)} s wall, ${busy.toFixed(0)} s of suite time over the workers`,
);
process.exitCode = run.status ?? 1;
