import { summarizePlan } from "../../deployment/operations/plan-summary";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import type { ConfigInput } from "../../config/schema";
import { synth } from "../helpers/synth";
import { offlineOverride, planOffline, requireTerraform, type PlanJson } from "../helpers/terraform";
import { startFakeSecretsManager } from "../helpers/fake-secrets-manager";
import { tempDir } from "../helpers/temp";
import { applyOrder, dependenciesOf, terraformIn } from "../helpers/prior-state";

/**
 * Changes to deployed endpoints: a state of the deployed stage is made offline from a plan's
 * planned values, then the changed config is planned against it. Terraform itself decides the
 * actions, and `terraform graph` of the saved plan gives the order it would apply them in.
 * One stage holds a model per case, each changed in its own way (or not), so two plans answer
 * every case: Terraform plans each resource from its own config and state alone.
 */
jest.setTimeout(300_000);
const describeTf = requireTerraform() ? describe : describe.skip;

const mistral = { modelId: "mistralai/Mistral-7B-Instruct-v0.2", maxInputTokens: 3072, maxTotalTokens: 4096 };
const secret = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}`;
const on = (type: string) => ({ type });
const scaling = (schedules: { name: string; schedule: string; minCapacity?: number; maxCapacity?: number }[] = []) => ({
  minCapacity: 1,
  maxCapacity: 3,
  metric: "concurrentRequestsPerModel" as const,
  targetValue: 4,
  schedules,
});

/** The deployed stage: a model per case. */
const before: ConfigInput = {
  region: "us-east-1",
  models: [
    { name: "same", huggingFace: mistral, instance: on("ml.g5.2xlarge") },
    { name: "bigger", huggingFace: mistral, instance: on("ml.g5.2xlarge") },
    { name: "revised", huggingFace: mistral, instance: on("ml.g5.2xlarge") },
    {
      name: "captured",
      huggingFace: { ...mistral, tokenSecretArn: secret("hf-token-a-AbCdEf") },
      instance: on("ml.g5.2xlarge"),
    },
    {
      name: "rotated",
      huggingFace: { ...mistral, tokenSecretArn: secret("hf-token-b-AbCdEf") },
      instance: on("ml.g5.2xlarge"),
    },
    { name: "scaled", huggingFace: mistral, instance: on("ml.g5.2xlarge"), autoscaling: scaling() },
    { name: "retrained", huggingFace: mistral, instance: on("ml.g5.2xlarge"), autoscaling: scaling() },
    {
      name: "scheduled",
      huggingFace: mistral,
      instance: on("ml.g5.2xlarge"),
      autoscaling: scaling([{ name: "night", schedule: "cron(0 20 * * ? *)", minCapacity: 1, maxCapacity: 1 }]),
    },
    {
      name: "guarded",
      huggingFace: mistral,
      instance: on("ml.g5.2xlarge"),
      deployment: { strategy: "canary", stepPercent: 10 },
    },
    // Deployed by an earlier version with alarms off, so without rollback alarms (see planUpdate).
    { name: "legacy", huggingFace: mistral, instance: on("ml.g5.2xlarge") },
  ],
};
/** What each case changes; "rotated" changes its token in Secrets Manager, "scheduled" finds its capacity moved by the schedule. */
const CHANGES: Record<string, object> = {
  bigger: { instance: on("ml.g5.4xlarge") },
  revised: { huggingFace: { ...mistral, revision: "abc123" } },
  captured: { dataCapture: { s3Uri: "s3://captures/llm", samplingPercent: 10, captureContent: "both" } },
  scaled: { instance: on("ml.g5.4xlarge") },
  retrained: { huggingFace: { ...mistral, revision: "def456" } },
  guarded: { deployment: { strategy: "linear", stepPercent: 20 } },
};
const after: ConfigInput = { ...before, models: before.models!.map((m) => ({ ...m, ...CHANGES[m.name] })) };

const KEPT = [
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_sagemaker_model",
  "aws_sagemaker_endpoint_configuration",
  "aws_sagemaker_endpoint",
  "aws_appautoscaling_target",
  "aws_appautoscaling_policy",
  "aws_appautoscaling_scheduled_action",
  "terraform_data",
];
/** The types the stack creates before it destroys (lifecycle create_before_destroy); the state records it per instance. */
const CBD = ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration"];
const ACCOUNT = "123456789012";
const ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}`;

type Planned = { address: string; mode: string; type: string; name: string; values: Record<string, any> };

/** The model a resource belongs to, from its address (`aws_sagemaker_model.model-<name>_model_<hash>`). */
const modelOf = (address: string): string | undefined => /\.model-([a-z0-9-]+)_/.exec(address)?.[1];

type PlanWithValues = PlanJson & { planned_values: { root_module: { resources: Planned[] } } };

/** The deployed state: each endpoint's resources as planned, with the values AWS would have filled in. */
function deployedState(plan: PlanWithValues): string {
  const byModel = new Map<string, Planned[]>();
  for (const r of plan.planned_values.root_module.resources) {
    const model = modelOf(r.address);
    if (r.mode === "managed" && KEPT.includes(r.type) && model) byModel.set(model, [...(byModel.get(model) ?? []), r]);
  }
  return JSON.stringify({
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000001",
    outputs: {},
    resources: [...byModel.values()].flatMap((planned, i) => stateOf(plan, planned, i)),
  });
}

/** One endpoint's resources in state; `n` keeps generated names apart. */
function stateOf(plan: PlanJson, planned: Planned[], n: number) {
  const unique = (k: number) => `2026112400000000000000${String(10 * n + k).padStart(4, "0")}`;
  const role = planned.find((r) => r.type === "aws_iam_role")!;
  const roleName = `${role.values.name_prefix}${unique(1)}`;
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
  const configName = `${planned.find((r) => r.type === "aws_sagemaker_endpoint_configuration")!.values.name_prefix}${unique(2)}`;
  const resourceId = planned.find((r) => r.type === "aws_appautoscaling_target")?.values.resource_id;
  const scalingArn = `arn:aws:application-autoscaling:us-east-1:${ACCOUNT}`;
  const filled = (r: Planned): Record<string, any> => {
    const v = { ...r.values };
    switch (r.type) {
      case "aws_iam_role":
        return {
          ...v,
          id: roleName,
          name: roleName,
          arn: roleArn,
          unique_id: "AROAEXAMPLE",
          create_date: "2026-11-24T00:00:00Z",
          managed_policy_arns: [],
          inline_policy: [],
        };
      case "aws_iam_role_policy":
        return {
          ...v,
          role: roleName,
          id: `${roleName}:model-1`,
          name: "model-1",
          policy: v.policy ?? JSON.stringify({ Version: "2012-10-17", Statement: [] }),
        };
      case "aws_sagemaker_model":
        return { ...v, id: v.name, arn: `${ARN}:model/${v.name}`, execution_role_arn: roleArn };
      case "aws_sagemaker_endpoint_configuration":
        return { ...v, id: configName, name: configName, arn: `${ARN}:endpoint-config/${configName}` };
      case "aws_sagemaker_endpoint":
        return { ...v, id: v.name, arn: `${ARN}:endpoint/${v.name}`, endpoint_config_name: configName };
      case "aws_appautoscaling_target":
        return {
          ...v,
          id: resourceId,
          resource_id: resourceId,
          arn: `${scalingArn}:scalable-target/sm0123456789abcdef`,
          role_arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
        };
      case "aws_appautoscaling_policy":
        return {
          ...v,
          id: v.name,
          resource_id: resourceId,
          arn: `${scalingArn}:scalingPolicy:0000:resource/sagemaker/${resourceId}:policyName/${v.name}`,
          alarm_arns: [],
        };
      case "terraform_data":
        // Its dynamically typed attributes are stored with their type.
        return {
          id: "00000000-0000-0000-0000-00000000000d",
          input: null,
          output: null,
          triggers_replace: { value: v.triggers_replace, type: ["object", { variant: "string" }] },
        };
      default:
        return {
          ...v,
          id: `${v.name}-${resourceId}`,
          resource_id: resourceId,
          arn: `${scalingArn}:scheduledAction:0000:scheduledActionName/${v.name}`,
        };
    }
  };
  return planned.map((r) => ({
    mode: "managed",
    type: r.type,
    name: r.name,
    provider:
      r.type === "terraform_data"
        ? 'provider["terraform.io/builtin/terraform"]'
        : 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [
      {
        schema_version: 0,
        attributes: filled(r),
        sensitive_attributes: sensitivePaths(r),
        private: "bnVsbA==",
        create_before_destroy: CBD.includes(r.type),
        // Terraform orders destroys by the dependencies recorded in state, as apply records them.
        dependencies: dependenciesOf(plan, r.address),
      },
    ],
  }));
}

/** The token in a model's environment is sensitive in state as in the plan; otherwise Terraform plans an update to mark it. */
function sensitivePaths(r: Planned): unknown[] {
  if (r.type !== "aws_sagemaker_model" || !r.values.primary_container?.[0]?.environment?.HF_TOKEN) return [];
  const step = (type: string, value: unknown) => ({ type, value });
  return [
    [
      step("get_attr", "primary_container"),
      step("index", { value: 0, type: "number" }),
      step("get_attr", "environment"),
      step("index", { value: "HF_TOKEN", type: "string" }),
    ],
  ];
}

const terraform = terraformIn;

interface Update {
  /** Planned changes of one case's resources. */
  readonly changesOf: (model: string) => PlanJson["resource_changes"];
  /** Whether applying `later` waits for `earlier` (edges of `terraform graph`). */
  readonly waitsFor: (later: string, earlier: string) => boolean;
}

/** Deploys `before` (tokens "old"), lets the night schedule move a capacity, then plans `after` with one token rotated. */
async function planUpdate(): Promise<Update> {
  const old = await startFakeSecretsManager("hf_the_old_token");
  let deployed: string;
  try {
    const planned = planOffline(join(synth(parseConfig(before)).outdir, "stacks", "llm-api-v1"), old.url, {
      validate: false,
    });
    deployed = deployedState(planned.plan as PlanWithValues);
  } finally {
    await old.stop();
  }
  // What a night-time deploy finds: the schedule has moved the scheduled model's maximum.
  const state = JSON.parse(deployed);
  const target = state.resources.find(
    (r: Planned) => r.type === "aws_appautoscaling_target" && modelOf(`x.${r.name}`) === "scheduled",
  );
  expect(target.instances[0].attributes.max_capacity).toBe(3);
  target.instances[0].attributes.max_capacity = 1;
  // An endpoint deployed without rollback alarms: now that every instance endpoint has one, the provider replaces it.
  const legacy = state.resources.find(
    (r: Planned) => r.type === "aws_sagemaker_endpoint" && modelOf(`x.${r.name}`) === "legacy",
  );
  legacy.instances[0].attributes.deployment_config = [];

  const rotated = await startFakeSecretsManager("hf_the_old_token", { "hf-token-b-AbCdEf": "hf_the_new_token" });
  try {
    const dir = tempDir("llm-api-update-");
    cpSync(join(synth(parseConfig(after)).outdir, "stacks", "llm-api-v1"), dir, { recursive: true });
    writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(offlineOverride(rotated.url)));
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(state));
    terraform(dir, ["init", "-input=false", "-no-color"]);
    terraform(dir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.bin"]);
    const changes = (JSON.parse(terraform(dir, ["show", "-json", "plan.bin"])) as PlanJson).resource_changes;
    const waitsFor = applyOrder(dir);
    return { changesOf: (model) => changes.filter((c) => modelOf(c.address) === model), waitsFor };
  } finally {
    await rotated.stop();
  }
}

const actionsOf = (changes: PlanJson["resource_changes"], type: string) =>
  changes.filter((c) => c.type === type).map((c) => c.change.actions);
const addressOf = (changes: PlanJson["resource_changes"], type: string) =>
  changes.find((c) => c.type === type)!.address;

describeTf("updating deployed endpoints", () => {
  let update: Update;
  beforeAll(async () => {
    update = await planUpdate();
  });

  it("when the traffic strategy changes (canary to linear), the endpoint is updated in place, and the plan comment says it restarts at initialCount", () => {
    const changes = update.changesOf("guarded");
    const endpoint = changes.find((c) => c.type === "aws_sagemaker_endpoint")!;
    expect(endpoint.change.actions).toEqual(["update"]);
    expect(summarizePlan("llm-api-v1", { resource_changes: changes }).risky).toContain(
      `update ${endpoint.address}: the endpoint restarts at its initial instance count (initialCount), and autoscaling takes it from there`,
    );
  });

  it("when a change replaces an endpoint, the plan says so and the plan comment names it, the attribute and the downtime", () => {
    const changes = update.changesOf("legacy");
    const endpoint = changes.find((c) => c.type === "aws_sagemaker_endpoint")!;
    expect(endpoint.change.actions).toEqual(["delete", "create"]);
    const risky = summarizePlan("llm-api-v1", { resource_changes: changes }).risky;
    expect(risky.find((line) => line.startsWith(`replace ${endpoint.address}`))).toMatch(
      /because of deployment_config.*10-20 minutes/,
    );
  });

  it("when nothing changes, the endpoint's resources are left alone", () => {
    const changes = update.changesOf("same");
    for (const type of ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"])
      expect([type, actionsOf(changes, type)]).toEqual([type, [["no-op"]]]);
  });

  it("when the instance type changes, a new endpoint config is created before the old is deleted and the endpoint is updated in place", () => {
    const changes = update.changesOf("bigger");
    expect(actionsOf(changes, "aws_sagemaker_endpoint_configuration")).toEqual([["create", "delete"]]);
    expect(actionsOf(changes, "aws_sagemaker_model")).toEqual([["no-op"]]);
    const endpoint = changes.find((c) => c.type === "aws_sagemaker_endpoint")!;
    expect(endpoint.change.actions).toEqual(["update"]);
    expect(endpoint.change.after.name).toBe("llm-api-v1-bigger");
    expect(endpoint.change.after_unknown.endpoint_config_name).toBe(true);
  });

  it("when the model changes, a new model and config are created before the old are deleted, under new names, and the endpoint is updated in place", () => {
    const changes = update.changesOf("revised");
    const model = changes.find((c) => c.type === "aws_sagemaker_model")!;
    expect(model.change.actions).toEqual(["create", "delete"]);
    expect(model.change.after.name).toMatch(/^llm-api-v1-revised-[0-9a-f]{8}$/);
    expect(actionsOf(changes, "aws_sagemaker_endpoint_configuration")).toEqual([["create", "delete"]]);
    expect(actionsOf(changes, "aws_sagemaker_endpoint")).toEqual([["update"]]);
  });

  describe("a gated model (token from Secrets Manager)", () => {
    it("keeps its model when only the execution policy changes (data capture added): the name stays known, so nothing collides", () => {
      const changes = update.changesOf("captured");
      expect(actionsOf(changes, "aws_iam_role_policy").flat()).toContain("update");
      expect(actionsOf(changes, "aws_sagemaker_model")).toEqual([["no-op"]]);
      expect(changes.filter((c) => c.mode === "data")).toEqual([]);
    });

    it("gets a new model under a new name when the token is rotated", () => {
      const model = update.changesOf("rotated").find((c) => c.type === "aws_sagemaker_model")!;
      expect(model.change.actions).toEqual(["create", "delete"]);
      expect(model.change.after.name).toMatch(/^llm-api-v1-rotated-[0-9a-f]{8}$/);
      expect(model.change.after.name).not.toBe(model.change.before?.name);
    });
  });

  describe("an autoscaled endpoint", () => {
    it("changes instance type in an order SageMaker accepts: deregister, update the endpoint, register again", () => {
      const changes = update.changesOf("scaled");
      expect(actionsOf(changes, "aws_appautoscaling_target")).toEqual([["delete", "create"]]);
      expect(actionsOf(changes, "aws_appautoscaling_policy")).toEqual([["delete", "create"]]);
      expect(actionsOf(changes, "aws_sagemaker_endpoint")).toEqual([["update"]]);
      const target = addressOf(changes, "aws_appautoscaling_target");
      const endpoint = addressOf(changes, "aws_sagemaker_endpoint");
      expect(update.waitsFor(endpoint, `${target} (destroy)`)).toBe(true);
      expect(update.waitsFor(target, endpoint)).toBe(true);
      // The check can fail: nothing makes the endpoint wait for the new policy.
      expect(update.waitsFor(endpoint, addressOf(changes, "aws_appautoscaling_policy"))).toBe(false);
    });

    it("keeps its scaling registered through a new model version: SageMaker takes that update with the target registered", () => {
      const changes = update.changesOf("retrained");
      expect(actionsOf(changes, "aws_sagemaker_model")).toEqual([["create", "delete"]]);
      expect(actionsOf(changes, "aws_sagemaker_endpoint")).toEqual([["update"]]);
      expect(actionsOf(changes, "terraform_data")).toEqual([["no-op"]]);
      expect(actionsOf(changes, "aws_appautoscaling_target")).toEqual([["no-op"]]);
      expect(actionsOf(changes, "aws_appautoscaling_policy")).toEqual([["no-op"]]);
    });

    it("with scheduled actions, a plan of the same config leaves min and max where the schedules put them", () => {
      expect(actionsOf(update.changesOf("scheduled"), "aws_appautoscaling_target")).toEqual([["no-op"]]);
    });
  });
});
