import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { ConfigError } from "../../config/errors";
import { parseConfig } from "../../config/load";
import { ROOT } from "../helpers/synth";
import { tempDir } from "../helpers/temp";

// Generated invalid configs: always the clear error path, never a crash or a stack trace.
jest.setTimeout(120_000);

const valid = JSON.parse(readFileSync(join(ROOT, "examples", "multi-model.json"), "utf8"));
const anything = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(undefined),
  fc.double(),
  fc.string({ maxLength: 200 }),
);

/** Every path into the example config, so a mutation can land anywhere. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}
const ALL_PATHS = paths(valid).filter((p) => p.length > 0);

function mutate(config: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(config) as Record<string | number, any>;
  let at = copy;
  for (const key of path.slice(0, -1)) {
    // An earlier change may have replaced a parent with a scalar: then this change lands nowhere.
    if (at[key] === null || typeof at[key] !== "object") return copy;
    at = at[key];
  }
  if (value === undefined) delete at[path.at(-1)!];
  else at[path.at(-1)!] = value;
  return copy;
}

const mutated = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...ALL_PATHS), anything), { minLength: 1, maxLength: 4 }))
  .map(([changes]) => changes.reduce((c, [path, value]) => mutate(c, path, value), valid as unknown));
const configs = fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) });

/** Problem lines: a JSON path (or "(top level)"), a colon, and words; never a stack frame. */
const PROBLEM =
  /^(\(top level\)|(\$?[A-Za-z_$][\w$-]*|\["(?:[^"\\]|\\.)*"\])(\[\d+\]|\.[A-Za-z_$][\w$-]*|\["(?:[^"\\]|\\.)*"\])*): \S/;

describe("config fuzzing", () => {
  it("reports every invalid config as ConfigError lines naming a path, and nothing else ever escapes", () => {
    let invalid = 0;
    fc.assert(
      fc.property(configs, (config) => {
        try {
          parseConfig(config);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          invalid++;
          for (const line of (err as ConfigError).problems) {
            expect(line).toMatch(PROBLEM);
            expect(line).not.toMatch(/\n\s+at /);
          }
        }
      }),
      { numRuns: 2000 },
    );
    console.log(`config fuzzing: 2000 configs, ${invalid} invalid, every one reported as path-named problems`);
    expect(invalid).toBeGreaterThan(1000);
  });

  it("makes main.ts exit 1 with problem lines and no Terraform for generated invalid configs", () => {
    const samples = fc.sample(
      mutated.filter((c) => {
        try {
          parseConfig(c);
          return false;
        } catch {
          return true;
        }
      }),
      { numRuns: 8, seed: 42 },
    );
    for (const config of samples) {
      const dir = tempDir("llm-api-fuzz-");
      writeFileSync(join(dir, "config.json"), JSON.stringify(config));
      const run = spawnSync(
        "node",
        [join(ROOT, "scripts", "run-ts.js"), join(ROOT, "main.ts"), "--config", "config.json"],
        { cwd: dir, encoding: "utf8" },
      );
      expect(run.status).toBe(1);
      expect(run.stderr.startsWith(`Invalid config ${join(dir, "config.json")}: `)).toBe(true);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
    }
  });
});
