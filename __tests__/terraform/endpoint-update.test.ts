import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { parseConfig } from "../../config/load";
import type { ConfigInput } from "../../config/schema";
import { synth } from "../helpers/synth";
import { offlineOverride, planOffline, requireTerraform, type PlanJson } from "../helpers/terraform";
import { startFakeSecretsManager, type FakeSecretsManager } from "../helpers/fake-secrets-manager";
import { tempDir } from "../helpers/temp";

/**
 * Changes to a deployed endpoint: a state of the deployed stage is made offline from a plan's
 * planned values, then the changed config is planned against it. Terraform itself decides the
 * actions, and `terraform graph` of the saved plan gives the order it would apply them in.
 */
jest.setTimeout(300_000);
const describeTf = requireTerraform() ? describe : describe.skip;

const mistral = { modelId: "mistralai/Mistral-7B-Instruct-v0.2", maxInputTokens: 3072, maxTotalTokens: 4096 };
const base: ConfigInput = { region: "us-east-1", models: [{ name: "mistral-7b", huggingFace: mistral, instance: { type: "ml.g5.2xlarge" } }] };
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

/** The deployed state: the endpoint's resources as planned, with the values AWS would have filled in. */
function deployedState(plan: PlanJson & { planned_values: { root_module: { resources: Planned[] } } }): string {
  const planned = plan.planned_values.root_module.resources.filter((r) => r.mode === "managed" && KEPT.includes(r.type) && r.address.includes("model-"));
  const role = planned.find((r) => r.type === "aws_iam_role")!;
  const roleName = `${role.values.name_prefix}20261124000000000000000001`;
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
  const configName = `${planned.find((r) => r.type === "aws_sagemaker_endpoint_configuration")!.values.name_prefix}20261124000000000000000002`;
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
        return { ...v, id: `${v.name}-${resourceId}`, resource_id: resourceId, arn: `${scalingArn}:scheduledAction:0000:scheduledActionName/${v.name}` };
    }
  };
  return JSON.stringify({
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000001",
    outputs: {},
    resources: planned.map((r) => ({
      mode: "managed",
      type: r.type,
      name: r.name,
      provider: r.type === "terraform_data" ? 'provider["terraform.io/builtin/terraform"]' : 'provider["registry.terraform.io/hashicorp/aws"]',
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
    })),
  });
}

/** The resources a resource refers to or depends on, from the plan's configuration. */
function dependenciesOf(plan: PlanJson, address: string): string[] {
  const resource = plan.configuration.root_module.resources.find((r) => r.address === address) as { expressions: unknown; depends_on?: string[] };
  const found = new Set<string>(resource.depends_on ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object")
      for (const [key, v] of Object.entries(value)) {
        if (key === "references") for (const ref of v as string[]) found.add(ref.split(".").slice(0, 2).join("."));
        else walk(v);
      }
  };
  walk(resource.expressions);
  return [...found].filter((a) => !a.startsWith("data.") && !a.startsWith("var.") && a !== address).sort();
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

let secrets: FakeSecretsManager;
beforeAll(async () => {
  if (requireTerraform()) secrets = await startFakeSecretsManager();
});
afterAll(() => secrets?.stop());

const deployedOf = new Map<ConfigInput, string>();

interface Planned2 {
  readonly changes: PlanJson["resource_changes"];
  /** Edges of the apply graph, "from -> to" meaning `to` waits for `from`. */
  readonly waitsFor: (later: string, earlier: string) => boolean;
  readonly dir: string;
}

/** Plans `changed` against the state of `before`, deployed. */
function planChange(changed: ConfigInput, before: ConfigInput = base, state?: string): Planned2 {
  if (!state && !deployedOf.has(before)) {
    const planned = planOffline(join(synth(parseConfig(before)).outdir, "stacks", "llm-api-v1"), secrets.url);
    deployedOf.set(before, deployedState(planned.plan as never));
  }
  const after = synth(parseConfig(changed));
  const dir = tempDir("llm-api-update-");
  cpSync(join(after.outdir, "stacks", "llm-api-v1"), dir, { recursive: true });
  writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(offlineOverride(secrets.url)));
  writeFileSync(join(dir, "terraform.tfstate"), state ?? deployedOf.get(before)!);
  const tf = (args: string[]) =>
    execFileSync("terraform", args, { cwd: dir, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  tf(["init", "-input=false", "-no-color"]);
  tf(["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.bin"]);
  const changes = (JSON.parse(tf(["show", "-json", "plan.bin"])) as PlanJson).resource_changes;
  const graphText = tf(["graph", "-plan=plan.bin"]);
  const edges = [...graphText.matchAll(/"(?:\[root\] )?([^"]+)" -> "(?:\[root\] )?([^"]+)"/g)].map((m) => [m[1], m[2]] as const);
  // In Terraform's graph an edge points from a node to what it depends on.
  const waitsFor = (later: string, earlier: string): boolean => {
    const seen = new Set<string>();
    const walk = (node: string): boolean => {
      if (node === earlier) return true;
      if (seen.has(node)) return false;
      seen.add(node);
      return edges.filter(([from]) => from === node).some(([, to]) => walk(to));
    };
    return walk(later);
  };
  return { changes, waitsFor, dir };
}

const actionsOf = (changes: PlanJson["resource_changes"], type: string) => changes.filter((c) => c.type === type).map((c) => c.change.actions);
const addressOf = (changes: PlanJson["resource_changes"], type: string) => changes.find((c) => c.type === type)!.address;

describeTf("updating a deployed endpoint", () => {
  it("when nothing changes, the endpoint's resources are left alone", () => {
    const { changes } = planChange(base);
    for (const type of ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"])
      expect([type, actionsOf(changes, type)]).toEqual([type, [["no-op"]]]);
  });

  it("when the instance type changes, a new endpoint config is created before the old is deleted and the endpoint is updated in place", () => {
    const changed: ConfigInput = { ...base, models: [{ name: "mistral-7b", huggingFace: mistral, instance: { type: "ml.g5.4xlarge" } }] };
    const { changes } = planChange(changed);
    expect(actionsOf(changes, "aws_sagemaker_endpoint_configuration")).toEqual([["create", "delete"]]);
    expect(actionsOf(changes, "aws_sagemaker_model")).toEqual([["no-op"]]);
    const endpoint = changes.find((c) => c.type === "aws_sagemaker_endpoint")!;
    expect(endpoint.change.actions).toEqual(["update"]);
    expect(endpoint.change.after.name).toBe("llm-api-v1-mistral-7b");
    expect(endpoint.change.after_unknown.endpoint_config_name).toBe(true);
  });

  it("when the model changes, a new model and config are created before the old are deleted, under new names, and the endpoint is updated in place", () => {
    const changed: ConfigInput = {
      ...base,
      models: [{ name: "mistral-7b", huggingFace: { ...mistral, revision: "abc123" }, instance: { type: "ml.g5.2xlarge" } }],
    };
    const { changes } = planChange(changed);
    const model = changes.find((c) => c.type === "aws_sagemaker_model")!;
    expect(model.change.actions).toEqual(["create", "delete"]);
    expect(model.change.after.name).toMatch(/^llm-api-v1-mistral-7b-[0-9a-f]{8}$/);
    expect(actionsOf(changes, "aws_sagemaker_endpoint_configuration")).toEqual([["create", "delete"]]);
    expect(actionsOf(changes, "aws_sagemaker_endpoint")).toEqual([["update"]]);
  });

  describe("a gated model (token from Secrets Manager)", () => {
    const gated = { ...mistral, tokenSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token-AbCdEf" };
    const before: ConfigInput = { region: "us-east-1", models: [{ name: "mistral-7b", huggingFace: gated, instance: { type: "ml.g5.2xlarge" } }] };

    it("keeps its model when only the execution policy changes (data capture added): the name stays known, so nothing collides", () => {
      const changed: ConfigInput = {
        ...before,
        models: [{ ...before.models![0], dataCapture: { s3Uri: "s3://captures/llm", samplingPercent: 10, captureContent: "both" } }],
      };
      const { changes } = planChange(changed, before);
      expect(actionsOf(changes, "aws_iam_role_policy").flat()).toContain("update");
      expect(actionsOf(changes, "aws_sagemaker_model")).toEqual([["no-op"]]);
      expect(changes.filter((c) => c.mode === "data")).toEqual([]);
    });

    it("gets a new model under a new name when the token is rotated", async () => {
      const old = await startFakeSecretsManager("hf_the_old_token");
      try {
        const planned = planOffline(join(synth(parseConfig(before)).outdir, "stacks", "llm-api-v1"), old.url);
        const deployedWithOldToken = deployedState(planned.plan as never);
        const oldName = JSON.parse(deployedWithOldToken).resources.find((r: { type: string }) => r.type === "aws_sagemaker_model").instances[0].attributes.name;
        const model = planChange(before, before, deployedWithOldToken).changes.find((c) => c.type === "aws_sagemaker_model")!;
        expect(model.change.actions).toEqual(["create", "delete"]);
        expect(model.change.after.name).toMatch(/^llm-api-v1-mistral-7b-[0-9a-f]{8}$/);
        expect(model.change.after.name).not.toBe(oldName);
      } finally {
        await old.stop();
      }
    });
  });

  describe("an autoscaled endpoint", () => {
    const scaled = (type: string, schedules: { name: string; schedule: string; minCapacity?: number; maxCapacity?: number }[] = []): ConfigInput => ({
      region: "us-east-1",
      models: [
        {
          name: "mistral-7b",
          huggingFace: mistral,
          instance: { type },
          autoscaling: { minCapacity: 1, maxCapacity: 3, metric: "concurrentRequestsPerModel", targetValue: 4, schedules },
        },
      ],
    });
    const before = scaled("ml.g5.2xlarge");

    it("changes instance type in an order SageMaker accepts: deregister, update the endpoint, register again", () => {
      const { changes, waitsFor } = planChange(scaled("ml.g5.4xlarge"), before);
      expect(actionsOf(changes, "aws_appautoscaling_target")).toEqual([["delete", "create"]]);
      expect(actionsOf(changes, "aws_appautoscaling_policy")).toEqual([["delete", "create"]]);
      expect(actionsOf(changes, "aws_sagemaker_endpoint")).toEqual([["update"]]);
      const target = addressOf(changes, "aws_appautoscaling_target");
      const endpoint = addressOf(changes, "aws_sagemaker_endpoint");
      expect(waitsFor(endpoint, `${target} (destroy)`)).toBe(true);
      expect(waitsFor(target, endpoint)).toBe(true);
      // The check can fail: nothing makes the endpoint wait for the new policy.
      expect(waitsFor(endpoint, addressOf(changes, "aws_appautoscaling_policy"))).toBe(false);
    });

    it("with scheduled actions, a second plan of the same config leaves min and max where the schedules put them", () => {
      const schedules = [{ name: "night", schedule: "cron(0 20 * * ? *)", minCapacity: 1, maxCapacity: 1 }];
      const config = scaled("ml.g5.2xlarge", schedules);
      planChange(config, config);
      // What a night-time deploy finds: the schedule has moved min and max.
      const atNight = deployedOf.get(config)!.replace(/"max_capacity":3/, '"max_capacity":1');
      expect(atNight).not.toBe(deployedOf.get(config));
      const { changes } = planChange(config, config, atNight);
      expect(actionsOf(changes, "aws_appautoscaling_target")).toEqual([["no-op"]]);
    });
  });
});
