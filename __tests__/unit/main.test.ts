import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/synth";
import { tempDir } from "../helpers/temp";

// The app as `cdktf synth` runs it: the command of cdktf.json, from the project folder, writing where CDKTF_OUTDIR says.
jest.setTimeout(60_000);

const APP = (JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string }).app;

function runMain(args: string[], env: Record<string, string> = {}) {
  const cwd = tempDir("llm-api-main-");
  const [command, ...appArgs] = APP.split(" ");
  const result = spawnSync(command, [...appArgs, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: join(cwd, "cdktf.out"), ...env },
  });
  return { ...result, cwd };
}

describe("main.ts", () => {
  it("when given the default config, it writes both stacks and the provider lock file", () => {
    const run = runMain(["--config", join(ROOT, "llm-api.config.json")]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // The default config scales from 1 to 2 instances: the range of what it costs to leave running.
    expect(run.stdout).toBe(
      "v1: about $1096-2187 per 30 days in SageMaker instances and monitoring. Details: npm run cost\n",
    );
    const stacks = join(run.cwd, "cdktf.out", "stacks");
    expect(readdirSync(stacks).sort()).toEqual(["llm-api-state", "llm-api-v1"]);
    for (const stack of readdirSync(stacks)) {
      expect(readFileSync(join(stacks, stack, ".terraform.lock.hcl"), "utf8")).toBe(
        readFileSync(join(ROOT, ".terraform.lock.hcl"), "utf8"),
      );
    }
  });

  it("fails when the config is invalid: exit 1, one line per problem, no stack trace, no Terraform written", () => {
    const dir = tempDir("llm-api-bad-");
    const file = join(dir, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({
        region: "us-east-1",
        models: [{ name: "Bad", huggingFace: { modelId: "x/y" }, instance: { type: "ml.g5.2xlarge" } }],
        api: { auth: "none" },
      }),
    );
    const run = runMain([], { LLM_API_CONFIG: file });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `Invalid config ${file}: 2 problems\n` +
        `  - models[0].name: got "Bad"; must use only lower-case letters, digits and '-'. Fix: rename it, e.g. "mistral-7b"\n` +
        `  - api.auth: "none" makes the API public. Fix: use "apiKey" or "iam", or also set api.allowUnauthenticated to true\n`,
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(run.cwd, "cdktf.out"))).toBe(false);
  });

  it("fails when a model or consumer takes a reserved name (v1, constructor, __proto__), by path, with no stack trace", () => {
    const dir = tempDir("llm-api-reserved-");
    const file = join(dir, "reserved.json");
    const model = (name: string) => ({ name, huggingFace: { modelId: "x/y" }, instance: { type: "ml.g5.2xlarge" } });
    // JSON.parse makes "__proto__" an own key, as it would be in a config file.
    writeFileSync(
      file,
      JSON.stringify({
        region: "us-east-1",
        models: [model("v1"), model("constructor")],
        api: { consumers: [{ name: "constructor" }] },
      }).replace('"constructor"}]', '"__proto__"}]'),
    );
    const run = runMain([], { LLM_API_CONFIG: file });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('  - models[0].name: "v1" is reserved');
    expect(run.stderr).toContain('  - models[1].name: "constructor" is reserved');
    expect(run.stderr).toContain('  - api.consumers[0].name: "__proto__" is reserved');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(run.cwd, "cdktf.out"))).toBe(false);
  });
});

describe("main.ts --strict", () => {
  it("turns warnings into errors and writes no Terraform; without it they are printed and synth goes on", () => {
    const multi = join(ROOT, "examples", "multi-model.json");
    const strict = runMain(["--config", multi, "--strict"]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/^error: models\[0\]\.deployment: a blue\/green update/m);
    expect(existsSync(join(strict.cwd, "cdktf.out"))).toBe(false);
    const relaxed = runMain(["--config", multi]);
    expect(relaxed.status).toBe(0);
    expect(relaxed.stderr).toMatch(/^warning: models\[0\]\.deployment/m);
  });
});

describe("npm run keys", () => {
  it("prints per consumer the command that reads its key, and no key value", () => {
    const run = spawnSync(
      "node",
      [
        join(ROOT, "scripts", "run-ts.js"),
        join(ROOT, "bin", "keys.ts"),
        "--config",
        join(ROOT, "examples", "central-api.json"),
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    expect(run.status).toBe(0);
    // By the id the stack outputs, never by a name query (names are not unique: "team" also finds "team-key").
    expect(run.stdout.trim().split("\n")).toEqual(
      ["search-team", "support-bot", "analytics"].map(
        (c) =>
          `prod ${c}: aws apigateway get-api-key --region us-east-1 --api-key "$(terraform -chdir=cdktf.out/stacks/central-ml-prod output -json api_key_ids | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8"))["${c}"]')" --include-value --query value --output text`,
      ),
    );
    expect(run.stdout).not.toContain("--name-query");
  });
});

describe("entry points", () => {
  it("refuse a flag they do not know with their usage line and exit 2, before reading any config", () => {
    const run = runMain(["--confg", "x.json"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--confg'[\s\S]*usage: cdktf synth/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(run.cwd, "cdktf.out"))).toBe(false);
  });
});

describe("npm run destroy", () => {
  const destroy = (args: string[]) =>
    spawnSync("node", [join(ROOT, "scripts", "run-ts.js"), join(ROOT, "bin", "destroy.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  it("refuses to destroy the state bucket, saying why and what to do instead", () => {
    const run = destroy(["llm-api-state"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "Refusing to destroy llm-api-state: its bucket holds the Terraform state of every stage and has prevent_destroy.",
    );
  });

  it("fails when no stack is named", () => {
    const run = destroy([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Name the stack to destroy");
  });
});
