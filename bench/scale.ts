import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config/paths";
import { parseConfig } from "../config/load";
import { deploymentProblems, deploymentWarnings } from "../deployment/operations/limits";
import { planOffline, requireTerraform } from "../__tests__/helpers/terraform";
import { startFakeSecretsManager } from "../__tests__/helpers/fake-secrets-manager";

/**
 * npm run bench:scale: a config of 100 models and 100 consumers, synthesised as `cdktf synth` runs
 * the app, then planned offline by Terraform (init, plan, show): the times and the stage state's
 * resource count. Separate from npm run bench: the plan alone takes minutes on 2 cores.
 */
const MODELS = Number(process.env.SCALE_MODELS ?? 100);
const CONSUMERS = Number(process.env.SCALE_CONSUMERS ?? 100);
const raw = {
  region: "us-east-1",
  models: Array.from({ length: MODELS }, (_, i) => ({
    name: `model-${i}`,
    huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
    instance: { type: "ml.g5.2xlarge" },
  })),
  api: {
    consumers: Array.from({ length: CONSUMERS }, (_, i) => ({ name: `team-${i}`, models: [`model-${i % MODELS}`] })),
  },
};

if (!requireTerraform()) process.exit(1);
const config = parseConfig(raw);
console.log(`problems: ${JSON.stringify(deploymentProblems(config))}`);
console.log(`warnings: ${deploymentWarnings(config).length}`);

const outdir = mkdtempSync(join(tmpdir(), "llm-api-scale-"));
let started = performance.now();
const synth = JSON.parse(
  execFileSync("node", [join(PROJECT_ROOT, "scripts", "run-ts.js"), join(PROJECT_ROOT, "bench", "synth-once.ts")], {
    encoding: "utf8",
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(raw), BENCH_OUTDIR: outdir },
  }),
) as { ms: number; maxRssMb: number };
console.log(
  `synth: ${synth.ms.toFixed(0)} ms app time, ${(performance.now() - started).toFixed(0)} ms whole process, peak RSS ${synth.maxRssMb.toFixed(0)} MB`,
);

// The stage reads its account from STS: the tests' stand-in answers.
void startFakeSecretsManager().then(async (sts) => {
  started = performance.now();
  const planned = planOffline(join(outdir, "stacks", "llm-api-v1"), sts.url, { validate: false });
  const planMs = performance.now() - started;
  await sts.stop();
  const managed = planned.plan.resource_changes.filter((r) => r.mode === "managed");
  const byType = new Map<string, number>();
  for (const r of managed) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  console.log(
    `offline plan (init, plan, show): ${(planMs / 1000).toFixed(1)} s; resources in the stage's state: ${managed.length}`,
  );
  console.log(
    [...byType.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([t, n]) => `${t} ${n}`)
      .join(", "),
  );
});
