import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IAMClient } from "@aws-sdk/client-iam";
import { loadConfig } from "../../config/load";
import { ciCheck } from "../../bin/ci-check-command";
import { ROOT, synth } from "../helpers/synth";
import { tempDir } from "../helpers/temp";
import { requireTerraform, terraform } from "../helpers/terraform";
import { startStandIn, type StandIn } from "../helpers/stand-in";

/**
 * The deploy workflow's check of the deploy role's policies against the config, round trip: the CI
 * stack's managed policies (and the boundary they name) applied by Terraform's real provider to a
 * loopback IAM, then read back by bin/ci-check through the real SDK.
 */
jest.setTimeout(300_000);
const TEAM = join(ROOT, "examples", "team.json");
const ROLE = "arn:aws:iam::123456789012:role/llm-api-ci-deploy";
const describeTf = requireTerraform() ? describe : describe.skip;

describeTf("ci-check against the CI stack's policies as Terraform applied them", () => {
  let iam: StandIn;
  let client: IAMClient;
  const modeFile = join(tempDir("llm-api-ci-check-"), "mode");
  const check = (config: string, extra: string[] = []) =>
    ciCheck(["--role-arn", ROLE, "--config", config, ...extra], client);

  beforeAll(async () => {
    writeFileSync(modeFile, "");
    iam = await startStandIn(
      { file: join(ROOT, "__tests__", "helpers", "stand-ins", "iam-policies.js") },
      { PATH: process.env.PATH ?? "", MODE_FILE: modeFile },
    );
    client = new IAMClient({
      endpoint: iam.url,
      region: "us-east-1",
      credentials: { accessKeyId: "offline", secretAccessKey: "offline" },
    });
    const result = synth(loadConfig(TEAM));
    const dir = tempDir("llm-api-ci-apply-");
    cpSync(join(result.outdir, "stacks", "llm-api-ci"), dir, { recursive: true });
    // The policies as the stack writes them, with what they name (the boundary) and the data they read; not the roles.
    const stack = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    stack.resource = { aws_iam_policy: stack.resource.aws_iam_policy };
    delete stack.output;
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack));
    const provider = {
      access_key: "offline",
      secret_key: "offline",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      endpoints: [{ iam: iam.url, sts: iam.url }],
    };
    writeFileSync(
      join(dir, "offline_override.tf.json"),
      JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } }, provider: { aws: provider } }),
    );
    terraform(dir, ["init", "-input=false", "-no-color"]);
    terraform(dir, ["apply", "-input=false", "-auto-approve", "-lock=false", "-no-color"]);
  });
  afterAll(async () => {
    client?.destroy();
    await iam?.stop();
  });

  it("finds the deploy role's policies current for the config they were applied from", async () => {
    expect(await check(TEAM)).toEqual({
      current: true,
      report: "The deploy role's policies are the ones this config needs.",
    });
    expect(await check(TEAM, ["--markdown"])).toEqual({ current: true, report: "" });
  });

  it("names what a new model needs of them, and the fix, before the deploy would fail on it", async () => {
    const team = JSON.parse(readFileSync(TEAM, "utf8"));
    const more = join(tempDir("llm-api-ci-check-"), "more.json");
    writeFileSync(
      more,
      JSON.stringify({
        ...team,
        $schema: undefined,
        models: [...team.models, { ...team.models[0], name: "mistral-next" }],
      }),
    );
    const result = await check(more);
    expect(result.current).toBe(false);
    expect(result.report).toMatch(
      /^The deploy role.s policies are not the ones this config needs:\n {2}changed CreateTagged\n/,
    );
    expect(result.report).toContain("An administrator applies the CI stack first (npx cdktf deploy llm-api-ci)");
    expect((await check(more, ["--markdown"])).report).toMatch(
      /^> \[!WARNING\]\n> \*\*CI roles:\*\* .*changed CreateTagged/,
    );
  });

  it("treats a CI stack that cannot read its own policies (from before this check) as one to apply", async () => {
    writeFileSync(modeFile, "deny");
    try {
      const result = await check(TEAM);
      expect(result.current).toBe(false);
      expect(result.report).toMatch(/none of its \d+ policies could be read/);
    } finally {
      writeFileSync(modeFile, "");
    }
  });
});

describe("ci-check's command line", () => {
  it("refuses a config without ci, naming the fix", async () => {
    const iam = new IAMClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    const noCi = join(ROOT, "examples", "central-api.json");
    await expect(ciCheck(["--role-arn", ROLE, "--config", noCi], iam, {})).rejects.toThrow(
      /^The config has no `ci`: there are no CI roles to check\. Fix: add ci/,
    );
    iam.destroy();
  });

  it("refuses a role ARN it cannot read the account and partition from, naming the form", async () => {
    const iam = new IAMClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    await expect(ciCheck(["--role-arn", "llm-api-ci-deploy", "--config", TEAM], iam, {})).rejects.toThrow(
      /^--role-arn \(or ROLE_ARN\) must be a CI role's ARN .*like arn:aws:iam::123456789012:role\/llm-api-ci-deploy\. Got: "llm-api-ci-deploy"$/,
    );
    iam.destroy();
  });
});
