import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../helpers/synth";

// `npm run local` as users start it (scripts/run-ts.js, so v8-compile-cache on Node 20), on a config
// whose stage table is started on loopback: the start that once failed on import() of dynalite.
describe("npm run local", () => {
  it("starts a stage with token budgets, keeps them on loopback and says how to see them", async () => {
    const child = spawn(
      "node",
      [
        join(ROOT, "scripts", "run-ts.js"),
        join(ROOT, "bin", "local.ts"),
        "--config",
        "examples/central-api.json",
        "--port",
        "0",
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner in 20 s:\n${out}`)), 20_000);
        child.stdout.on("data", () => out.includes("Ctrl+C stops it.") && (clearTimeout(timer), resolve()));
        child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`exited ${code}:\n${out}`))));
      });
    } finally {
      child.kill("SIGTERM");
    }
    expect(out).toContain("budgets:  search-team 20000000 tokens a month");
    expect(out).toMatch(
      /AWS_ENDPOINT_URL_DYNAMODB=http:\/\/127\.0\.0\.1:\d+ AWS_REGION=us-east-1 .* npm run usage -- --budgets --config examples\/central-api.json/,
    );
  }, 30_000);
});
