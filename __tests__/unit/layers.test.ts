import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../helpers/synth";

/**
 * The import graph reads top-down: each layer imports only itself and the layers below it.
 * reference (tables) and contract (routes, request schemas) know nothing of the product; the
 * handlers know only the contract; config the tables and the contract (route names, the functions'
 * defaults); deployment (pure: resolve, names,
 * policies, documents) no constructs; modules (constructs) no stacks, and no config: they read what
 * resolve resolved; packaging (the handlers' build, which writes zips) sits between them. The entry points sit on top: bin/ and main.ts start the app and the tools,
 * bench/ measures (with the tests' Terraform harness).
 */
const BELOW: Record<string, readonly string[]> = {
  reference: [],
  contract: [],
  functions: ["contract"],
  config: ["reference", "contract"],
  deployment: ["config", "reference", "contract"],
  // The handlers' build: esbuild and zips written to .build/, with the options deployment settles.
  packaging: ["deployment", "config", "reference", "contract"],
  modules: ["packaging", "deployment", "reference", "contract"],
  stacks: ["modules", "packaging", "deployment", "config", "reference", "contract"],
  local: ["functions", "deployment", "config", "reference", "contract"],
  // What only the tests and the bench run: AWS's runtime client harness, API Gateway's view of an answer.
  testing: ["local", "functions", "packaging", "deployment", "config", "reference", "contract"],
  bin: ["stacks", "local", "functions", "packaging", "deployment", "config", "reference", "contract"],
  "main.ts": ["bin", "stacks", "deployment", "config", "reference", "contract"],
  bench: [
    "__tests__",
    "testing",
    "local",
    "functions",
    "stacks",
    "packaging",
    "deployment",
    "config",
    "reference",
    "contract",
  ],
};
/** Packages a layer may not use: configuration and handlers know no resources or constructs. */
const FORBIDDEN_PACKAGES: Record<string, RegExp> = {
  reference: /^(cdktf|constructs|@cdktf\/)/,
  contract: /^(cdktf|constructs|@cdktf\/|@aws-sdk\/)/,
  functions: /^(cdktf|constructs|@cdktf\/|zod)/,
  config: /^(cdktf|constructs|@cdktf\/)/,
  // Pure: no constructs, no files written (packaging/ builds the handlers and writes their zips).
  deployment: /^(constructs|@cdktf\/|node:fs$|node:child_process$)/,
};

const sources = (dir: string): string[] =>
  dir.endsWith(".ts")
    ? [dir]
    : readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? e.name === "node_modules"
            ? []
            : sources(join(dir, e.name))
          : e.name.endsWith(".ts")
            ? [join(dir, e.name)]
            : [],
      );

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/(?:from|import|require)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);
}

const layerOf = (file: string) => file.split("/")[0];

describe("layers", () => {
  const files = Object.keys(BELOW).flatMap(sources);

  it("finds the source files of every layer", () => {
    for (const layer of Object.keys(BELOW))
      expect([layer, files.some((f) => layerOf(f) === layer)]).toEqual([layer, true]);
  });

  it("import nothing from a layer above them, nor a package their layer must not know", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith(".")) {
          const target = layerOf(relative(ROOT, resolve(dirname(join(ROOT, file)), spec)));
          if (target !== layer && !BELOW[layer].includes(target)) wrong.push(`${file} imports ${spec} (${target})`);
        } else if (FORBIDDEN_PACKAGES[layer]?.test(spec)) wrong.push(`${file} uses ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("hold no import circle, type imports included", () => {
    const known = new Set(files);
    const target = (file: string, spec: string): string | undefined => {
      const base = relative(ROOT, resolve(dirname(join(ROOT, file)), spec));
      return [`${base}.ts`, `${base}/index.ts`, base].find((f) => known.has(f));
    };
    const edges = new Map(
      files.map((f) => [
        f,
        importsOf(f).flatMap((spec) => (spec.startsWith(".") ? [target(f, spec)].filter((t): t is string => !!t) : [])),
      ]),
    );
    const circles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]): void => {
      state.set(file, "open");
      for (const next of edges.get(file) ?? []) {
        if (state.get(next) === "open") circles.push([...path.slice(path.indexOf(next)), file, next].join(" -> "));
        else if (!state.has(next)) visit(next, [...path, file]);
      }
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file, []);
    expect(circles).toEqual([]);
  });

  it("give the constructs only what resolve resolved: a Deployment holds no raw config", () => {
    const text = readFileSync(join(ROOT, "deployment", "deployment.ts"), "utf8");
    const deployment = text.slice(
      text.indexOf("export interface Deployment {"),
      text.indexOf("\n}\n", text.indexOf("export interface Deployment {")),
    );
    expect(deployment).toContain("readonly models");
    expect(deployment).not.toMatch(/:\s*Config\b|readonly config\b/);
  });

  it("keep every source file under about 300 lines", () => {
    const long = files.filter((f) => readFileSync(join(ROOT, f), "utf8").split("\n").length > 310);
    expect(long).toEqual([]);
  });

  it("switch on where a model runs in one place: of the modules, only model-api.ts names the component and adopted kinds", () => {
    const switching = files.filter(
      (f) =>
        f.startsWith("modules/") &&
        /kind [!=]== "(scale-to-zero|placed|existing)"|case "(scale-to-zero|placed|existing)"/.test(
          readFileSync(join(ROOT, f), "utf8"),
        ),
    );
    expect(switching).toEqual(["modules/model-api.ts"]);
  });

  it("take a config field to the Terraform JSON through few files: autoscaling.targetValue is named in at most four", () => {
    const naming = files.filter((f) => readFileSync(join(ROOT, f), "utf8").includes("targetValue"));
    expect(naming.length).toBeLessThanOrEqual(4);
  });
});
