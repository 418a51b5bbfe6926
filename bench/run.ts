import { PROJECT_ROOT } from "../config/paths";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleHandler } from "../packaging/bundle";
import { handlerBenchmarks } from "./handlers";
import { runtimeInitBenchmarks } from "./runtime-init";
import { errorCleaningBenchmarks } from "./error-cleaning";
import { embeddingBatchBenchmarks } from "./embedding-batches";
import { budgetBenchmarks } from "./budgets";

/**
 * Benchmarks with their budgets (DESIGN.md): synth app time of the default
 * config under 1 s; 20 models at most 2x one model; invoke bundle under 500 KB.
 */
const ROOT = PROJECT_ROOT;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function model(i: number) {
  return {
    name: `model-${i}`,
    huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
    instance: { type: "ml.g5.2xlarge" },
  };
}

/** One synth in a fresh process, started the way cdktf.json starts the app. */
function synthOnce(config: unknown): { ms: number; wallMs: number; maxRssMb: number } {
  const started = performance.now();
  const out = execFileSync("node", [join(ROOT, "scripts", "run-ts.js"), join(ROOT, "bench", "synth-once.ts")], {
    encoding: "utf8",
    env: {
      ...process.env,
      BENCH_CONFIG: JSON.stringify(config),
      BENCH_OUTDIR: mkdtempSync(join(tmpdir(), "llm-api-bench-")),
    },
  });
  return { ...JSON.parse(out), wallMs: performance.now() - started };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(config: unknown) {
  const runs = Array.from({ length: RUNS }, () => synthOnce(config));
  return {
    ms: median(runs.map((r) => r.ms)),
    wallMs: median(runs.map((r) => r.wallMs)),
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
  };
}

const defaultConfig = JSON.parse(readFileSync(join(ROOT, "llm-api.config.json"), "utf8"));
// The first synth builds the handler bundle; later ones reuse it until an input changes.
rmSync(join(ROOT, ".build", "functions"), { recursive: true, force: true });
const first = synthOnce(defaultConfig);
const one = measure(defaultConfig);
const twenty = measure({ ...defaultConfig, models: Array.from({ length: 20 }, (_, i) => model(i)) });
const bundle = bundleHandler("invoke");

async function main(): Promise<void> {
  const rows: [string, string, string, boolean][] = [
    ["synth, first run, bundle built (app time)", `${first.ms.toFixed(0)} ms`, "-", true],
    ["synth, default config (app time, median)", `${one.ms.toFixed(0)} ms`, "< 1000 ms", one.ms < 1000],
    ["synth, default config (whole process, median)", `${one.wallMs.toFixed(0)} ms`, "-", true],
    [
      "synth, 20 models (app time, median)",
      `${twenty.ms.toFixed(0)} ms`,
      `<= 2x one model (${(2 * one.ms).toFixed(0)} ms)`,
      twenty.ms <= 2 * one.ms,
    ],
    ["synth peak RSS, default / 20 models", `${one.maxRssMb.toFixed(0)} / ${twenty.maxRssMb.toFixed(0)} MB`, "-", true],
    ["invoke bundle (zip)", `${(bundle.zipBytes / 1024).toFixed(0)} KB`, "-", true],
    ...(await handlerBenchmarks()),
    ...errorCleaningBenchmarks(),
    ...(await embeddingBatchBenchmarks()),
    ...(await budgetBenchmarks()),
    ...(await runtimeInitBenchmarks()),
  ];

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${"benchmark".padEnd(width)} | result | budget | ok\n${"-".repeat(width + 30)}`);
  for (const [name, result, budget, ok] of rows)
    console.log(`${name.padEnd(width)} | ${result} | ${budget} | ${ok ? "yes" : "NO"}`);
  process.exitCode = rows.every((r) => r[3]) ? 0 : 1;
}

void main();
