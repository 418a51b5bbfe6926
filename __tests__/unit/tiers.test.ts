import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../helpers/synth";

const { QUICK, FULL, FULL_ONLY_HELPERS } = require("../tiers.js") as {
  QUICK: string[];
  FULL: string[];
  FULL_ONLY_HELPERS: string[];
};
const TESTS = join(ROOT, "__tests__");

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? testFiles(join(dir, e.name))
      : e.name.endsWith(".test.ts")
        ? [relative(TESTS, join(dir, e.name))]
        : [],
  );
}

/** The files under __tests__ that `file` imports, directly or through each other (relative imports only). */
function localImports(file: string, seen = new Set<string>()): Set<string> {
  const text = readFileSync(join(TESTS, file), "utf8");
  for (const [, spec] of text.matchAll(/(?:from|import|require)\s*\(?\s*"(\.[^"]+)"/g)) {
    const target = relative(TESTS, resolve(dirname(join(TESTS, file)), spec));
    const withExt = [target, `${target}.ts`].find(
      (t) => !t.startsWith("..") && existsSync(join(TESTS, t)) && t.endsWith(".ts"),
    );
    if (withExt && !seen.has(withExt)) {
      seen.add(withExt);
      localImports(withExt, seen);
    }
  }
  return seen;
}

describe("test tiers (__tests__/tiers.js)", () => {
  it("put every suite in exactly one tier, and name no suite that does not exist", () => {
    const suites = testFiles(TESTS).sort();
    const listed = [...QUICK, ...FULL];
    const twice = listed.filter((s, i) => listed.indexOf(s) !== i);
    expect({
      unlisted: suites.filter((s) => !listed.includes(s)),
      missing: listed.filter((s) => !suites.includes(s)),
      twice,
    }).toEqual({
      unlisted: [],
      missing: [],
      twice: [],
    });
  });

  it("keep Terraform, the IAM simulator and AWS's runtime client out of the quick tier", () => {
    const needing = QUICK.flatMap((suite) =>
      [...localImports(suite)].filter((f) => FULL_ONLY_HELPERS.includes(f)).map((f) => `${suite} -> ${f}`),
    );
    expect(needing).toEqual([]);
  });

  it("finds the tools' helpers in the full tier, so the check above has something to find", () => {
    const reached = new Set(FULL.flatMap((suite) => [...localImports(suite)]));
    expect(FULL_ONLY_HELPERS.filter((h) => !reached.has(h))).toEqual([]);
  });
});
