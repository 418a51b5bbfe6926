import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LlmEndpoint } from "../../modules/llm-endpoint";
import { resolveStage } from "../../deployment/resolve";
import type { ConfigInput } from "../../config/schema";
import { synthConstruct, testConfig } from "../helpers/synth";
import { attemptTerraform, offlineOverride, requireTerraform, terraform } from "../helpers/terraform";
import { startFakeSageMaker, type FakeSageMaker, type SageMakerJournal } from "../helpers/fake-sagemaker";
import { startFakeSecretsManager, type FakeSecretsManager } from "../helpers/fake-secrets-manager";
import { tempDir } from "../helpers/temp";

/**
 * Terraform's real apply, with the real AWS provider, of a model's endpoint against a SageMaker
 * stand-in on loopback (the provider's `endpoints` override): first the deploy, then an update to a
 * new model version. The provider waits for InService after UpdateEndpoint and takes that for
 * success (its endpoint.go); only the endpoint's postcondition sees that SageMaker rolled the update
 * back, and it must stop the apply before the old config and model, which the endpoint still runs
 * on, are deleted. The execution role is in the seeded state (IAM is not what is tested here).
 */
jest.setTimeout(300_000);
const describeTf = requireTerraform() ? describe : describe.skip;
const ACCOUNT = "123456789012";

const mistral = (revision?: string): Partial<ConfigInput> => ({
  models: [
    {
      name: "m",
      huggingFace: {
        modelId: "mistralai/Mistral-7B-Instruct-v0.2",
        maxInputTokens: 3072,
        maxTotalTokens: 4096,
        ...(revision ? { revision } : {}),
      },
      instance: { type: "ml.g5.2xlarge" },
    },
  ],
});

/** The model's endpoint alone, as its stack writes it. */
function endpointStack(revision?: string): Record<string, any> {
  const hosting = resolveStage(testConfig(mistral(revision)), "v1").models[0].hosting;
  if (hosting.kind !== "instance" && hosting.kind !== "serverless") throw new Error("expected an endpoint of its own");
  return synthConstruct((stack) => {
    new LlmEndpoint(stack, "model", { hosting, region: "us-east-1", partition: "aws" });
  }) as Record<string, any>;
}

let sts: FakeSecretsManager;

function writeStack(dir: string, stack: Record<string, any>, sagemakerUrl: string): void {
  const { terraform: tf, ...rest } = stack;
  // STS (the stack's account, for its roles' trust) answers from the Secrets Manager stand-in.
  const override = offlineOverride(sts.url);
  writeFileSync(
    join(dir, "cdk.tf.json"),
    JSON.stringify({ ...rest, terraform: { required_providers: tf.required_providers } }),
  );
  writeFileSync(
    join(dir, "offline_override.tf.json"),
    JSON.stringify({
      ...override,
      provider: { aws: { ...(override.provider as any).aws, endpoints: [{ sagemaker: sagemakerUrl, sts: sts.url }] } },
    }),
  );
}

type StateResource = {
  mode: string;
  type: string;
  name: string;
  provider: string;
  instances: { attributes: Record<string, unknown>; [k: string]: unknown }[];
};

/** A state that holds the execution role and its policy as an earlier apply left them; nothing of SageMaker yet. */
function seedRole(dir: string, stack: Record<string, any>): void {
  const [roleName, role] = Object.entries(stack.resource.aws_iam_role)[0] as [string, Record<string, any>];
  const name = `${role.name_prefix}20261202000000000000000001`;
  const instance = (attributes: Record<string, unknown>, dependencies: string[] = []) => ({
    schema_version: 0,
    attributes,
    sensitive_attributes: [],
    private: "bnVsbA==",
    create_before_destroy: true,
    dependencies,
  });
  const resources: StateResource[] = [
    {
      mode: "managed",
      type: "aws_iam_role",
      name: roleName,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        instance({
          ...role,
          // The trust as Terraform renders it: the account, from STS, in place of its expression.
          assume_role_policy: String(role.assume_role_policy).replace(
            "${data.aws_caller_identity.caller.account_id}",
            ACCOUNT,
          ),
          "//": undefined,
          id: name,
          name,
          // Under the path the stack gives it (the project's).
          arn: `arn:aws:iam::${ACCOUNT}:role${role.path ?? "/"}${name}`,
          path: role.path ?? "/",
          max_session_duration: 3600,
          force_detach_policies: false,
          unique_id: "AROAEXAMPLE",
          create_date: "2026-12-02T00:00:00Z",
          managed_policy_arns: [],
          inline_policy: [],
          tags: {},
          tags_all: {},
        }),
      ],
    },
  ];
  // The policy as Terraform renders it: the account, read from STS, in place of its expression.
  const [policyName, policy] = Object.entries(stack.resource.aws_iam_role_policy)[0] as [string, Record<string, any>];
  const rendered = String(policy.policy).replace(/\$\{data\.aws_caller_identity\.caller\.account_id\}/g, ACCOUNT);
  expect(rendered).not.toContain("${");
  resources.push({
    mode: "managed",
    type: "aws_iam_role_policy",
    name: policyName,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [
      instance(
        { name_prefix: policy.name_prefix, policy: rendered, id: `${name}:model-1`, name: "model-1", role: name },
        [`aws_iam_role.${roleName}`],
      ),
    ],
  });
  const state = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000003",
    outputs: {},
    resources,
  };
  writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(state));
}

const stateOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as { resources: StateResource[] };
const endpointIn = (dir: string) =>
  stateOf(dir).resources.find((r) => r.type === "aws_sagemaker_endpoint")!.instances[0].attributes;

/**
 * One stage's life, in the order a team lives it: the deploy; an update to a new model version that
 * SageMaker rolls back; the same apply again once the cause is fixed, which goes through.
 */
describeTf("terraform apply against a SageMaker stand-in", () => {
  let stand: FakeSageMaker;
  let dir: string;
  let first: { model: string; config: string };
  let rolledBack: { ok: boolean; output: string };
  let afterRollback: SageMakerJournal;
  let fixed: { ok: boolean; output: string };

  beforeAll(async () => {
    stand = await startFakeSageMaker();
    sts = await startFakeSecretsManager();
    dir = tempDir("llm-api-apply-");
    const stack = endpointStack();
    writeStack(dir, stack, stand.url);
    terraform(dir, ["init", "-input=false", "-no-color"]);
    seedRole(dir, stack);
    terraform(dir, ["apply", "-input=false", "-lock=false", "-refresh=false", "-auto-approve", "-no-color"]);
    const deployed = stand.journal();
    first = { model: Object.keys(deployed.models)[0], config: Object.keys(deployed.configs)[0] };

    // Without refresh: the role's refresh would ask IAM, which has no stand-in; the provider reads the
    // endpoint itself right after its update, which is what decides the outcome.
    const apply = ["apply", "-input=false", "-lock=false", "-refresh=false", "-auto-approve", "-no-color"];
    writeStack(dir, endpointStack("abc123"), stand.url);
    stand.rollBack(true);
    rolledBack = attemptTerraform(dir, apply);
    afterRollback = stand.journal();
    stand.rollBack(false);
    fixed = attemptTerraform(dir, apply);
  });
  afterAll(() => Promise.all([stand?.stop(), sts?.stop()]));

  it("deploys the model, its endpoint config and the endpoint, InService on that config", () => {
    expect(first.model).toMatch(/^llm-api-v1-m-[0-9a-f]{8}$/);
    expect(first.config).toMatch(/^llm-api-v1-m-/);
    expect(afterRollback.calls.filter((c) => c.operation === "CreateEndpoint")).toHaveLength(1);
  });

  it("a rolled-back update fails the apply with the postcondition's message, and keeps the old config and model the endpoint runs on", () => {
    expect(rolledBack.ok).toBe(false);
    expect(rolledBack.output.replace(/\s+/g, " ")).toContain(
      "SageMaker rolled the update of endpoint llm-api-v1-m back: it is InService on its previous config, not the one this apply created.",
    );
    // SageMaker was asked to move, and answered InService on the old config: the provider's wait succeeded.
    expect(afterRollback.calls.map((c) => c.operation)).toContain("UpdateEndpoint");
    expect(afterRollback.endpoints["llm-api-v1-m"]).toMatchObject({
      EndpointConfigName: first.config,
      EndpointStatus: "InService",
    });
    // Nothing the endpoint runs on was deleted; the new model and config are there too, for the next apply.
    expect(Object.keys(afterRollback.models)).toContain(first.model);
    expect(Object.keys(afterRollback.configs)).toContain(first.config);
    expect(Object.keys(afterRollback.models)).toHaveLength(2);
    expect(afterRollback.calls.filter((c) => c.operation.startsWith("Delete"))).toEqual([]);
  });

  it("the next apply, once the cause is fixed, moves the endpoint to the new config, then deletes the old config and model", () => {
    expect(fixed.output).toContain("Apply complete!");
    const journal = stand.journal();
    expect(Object.keys(journal.models)).toHaveLength(1);
    expect(Object.keys(journal.models)).not.toContain(first.model);
    expect(Object.keys(journal.configs)).toHaveLength(1);
    expect(Object.keys(journal.configs)).not.toContain(first.config);
    expect(journal.endpoints["llm-api-v1-m"].EndpointConfigName).toBe(Object.keys(journal.configs)[0]);
    expect(endpointIn(dir).endpoint_config_name).toBe(Object.keys(journal.configs)[0]);
    const calls = journal.calls.map((c) => c.operation);
    expect(calls.lastIndexOf("DeleteEndpointConfig")).toBeGreaterThan(calls.lastIndexOf("UpdateEndpoint"));
    expect(calls.lastIndexOf("DeleteModel")).toBeGreaterThan(calls.lastIndexOf("UpdateEndpoint"));
  });
});
