import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import type { ConfigInput } from "../../config/schema";
import { resolveStage } from "../../deployment/resolve";
import {
  componentEndpointConfigState,
  type ComponentHost,
  type RoleIdentity,
} from "../../deployment/sagemaker/inference-component";
import { defaultTags } from "../../deployment/tags";
import { synth } from "../helpers/synth";
import { offlineOverride, planOffline, requireTerraform, type PlanJson } from "../helpers/terraform";
import { tempDir } from "../helpers/temp";
import { applyOrder, dependenciesOf, terraformIn } from "../helpers/prior-state";
import { startFakeSecretsManager, type FakeSecretsManager } from "../helpers/fake-secrets-manager";

/**
 * Changes to deployed models that run as inference components, planned by Terraform against a
 * state made offline from the first plan (as endpoint-update.test.ts does for the other endpoints).
 * Terraform decides each action from the provider's schema and the Cloud Control schema given to it:
 * what a component can change in place, what replaces it, and in which order.
 */
jest.setTimeout(300_000);
const describeTf = requireTerraform() ? describe : describe.skip;

const tgi = { modelId: "mistralai/Mistral-7B-Instruct-v0.2", maxInputTokens: 3072, maxTotalTokens: 4096 };
const alone = { instance: { type: "ml.g6e.xlarge" }, autoscaling: { minCapacity: 0, maxCapacity: 2, targetValue: 4 } };
const placed = (maxCopies = 1) => ({ placement: { endpoint: "gpu", gpus: 1, memoryMb: 16384, maxCopies } });
const before: ConfigInput = {
  project: "idle",
  region: "us-east-1",
  endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 2 }],
  models: [
    { name: "same", huggingFace: tgi, ...alone },
    { name: "retrained", huggingFace: tgi, ...alone },
    { name: "resized", huggingFace: tgi, ...alone },
    { name: "mover", huggingFace: tgi, ...alone },
    { name: "busier", huggingFace: tgi, ...placed() },
  ],
};
const CHANGES: Record<string, object> = {
  retrained: { huggingFace: { ...tgi, revision: "abc123" } },
  resized: { instance: { type: "ml.g6e.2xlarge" } },
  mover: { instance: undefined, autoscaling: undefined, ...placed() },
  busier: placed(3),
};
const after: ConfigInput = { ...before, models: before.models!.map((m) => ({ ...m, ...CHANGES[m.name] })) };

const KEPT = [
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_sagemaker_model",
  "aws_cloudcontrolapi_resource",
  "aws_sagemaker_endpoint",
  "aws_appautoscaling_target",
  "aws_appautoscaling_policy",
];
const ACCOUNT = "123456789012";
const ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}`;
type Planned = { address: string; mode: string; type: string; name: string; values: Record<string, any> };
type PlanWithValues = PlanJson & { planned_values: { root_module: { resources: Planned[] } } };

/** What a resource belongs to, from its address: `model-<name>_...` or `shared-<name>_...`. */
const ownerOf = (address: string): string | undefined => /\.(?:model|shared)-([a-z0-9-]+)_/.exec(address)?.[1];

/** JSON as Terraform's jsonencode writes it: keys sorted, no spaces. */
const tfJson = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** The deployed state: the kept resources as planned, with the values AWS would have filled in. */
function deployedState(
  plan: PlanWithValues,
  hosts: Map<string, ComponentHost & { role: RoleIdentity }>,
  tags: Record<string, string>,
  configured: ReadonlySet<string>,
): string {
  const planned = plan.planned_values.root_module.resources.filter(
    (r) => r.mode === "managed" && KEPT.includes(r.type) && ownerOf(r.address),
  );
  const roleOf = new Map<string, string>();
  let n = 0;
  const filled = (r: Planned): Record<string, any> => {
    const v = { ...r.values };
    const owner = ownerOf(r.address)!;
    switch (r.type) {
      case "aws_iam_role": {
        const name = `${v.name_prefix}2026120200000000000000${String(++n).padStart(4, "0")}`;
        roleOf.set(owner, `arn:aws:iam::${ACCOUNT}:role/${name}`);
        return {
          ...v,
          id: name,
          name,
          arn: roleOf.get(owner),
          unique_id: "AROAEXAMPLE",
          create_date: "2026-12-02T00:00:00Z",
          managed_policy_arns: [],
          inline_policy: [],
        };
      }
      case "aws_iam_role_policy":
        return {
          ...v,
          role: roleOf.get(owner)!.split("/")[1],
          id: `x:p${++n}`,
          name: `p${n}`,
          policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
        };
      case "aws_sagemaker_model":
        return { ...v, id: v.name, arn: `${ARN}:model/${v.name}`, execution_role_arn: roleOf.get(owner) };
      case "aws_cloudcontrolapi_resource": {
        if (v.type_name === "AWS::SageMaker::InferenceComponent") {
          const name = JSON.parse(v.desired_state).InferenceComponentName;
          return {
            ...v,
            id: `${ARN}:inference-component/${name}`,
            properties: "{}",
            role_arn: null,
            type_version_id: null,
          };
        }
        // The config's desired state holds the role's ARN, unknown until the role exists: as the apply wrote it.
        const host = hosts.get(owner)!;
        const state = componentEndpointConfigState({
          host,
          executionRoleArn: roleOf.get(owner)!,
          role: host.role,
          tags,
        });
        return {
          ...v,
          id: `${ARN}:endpoint-config/${state.EndpointConfigName}`,
          desired_state: tfJson(state),
          properties: "{}",
          role_arn: null,
          type_version_id: null,
        };
      }
      case "aws_sagemaker_endpoint":
        return { ...v, id: v.name, arn: `${ARN}:endpoint/${v.name}` };
      case "aws_appautoscaling_target":
        return {
          ...v,
          id: v.resource_id,
          arn: `arn:aws:application-autoscaling:us-east-1:${ACCOUNT}:scalable-target/sm${++n}`,
          role_arn: "arn:aws:iam::x:role/slr",
        };
      default:
        return {
          ...v,
          id: v.name,
          arn: `arn:aws:application-autoscaling:us-east-1:${ACCOUNT}:scalingPolicy:${++n}`,
          alarm_arns: [],
        };
    }
  };
  // What an apply records as create-before-destroy: the resources configured so, and everything they
  // depend on (Terraform makes their dependencies create-before-destroy too, and keeps that in state).
  const cbd = new Set<string>();
  const mark = (address: string): void => {
    if (cbd.has(address)) return;
    cbd.add(address);
    dependenciesOf(plan, address).forEach(mark);
  };
  configured.forEach(mark);
  // Roles first: the others read their ARNs.
  const ordered = [
    ...planned.filter((r) => r.type === "aws_iam_role"),
    ...planned.filter((r) => r.type !== "aws_iam_role"),
  ];
  const resources = ordered.map((r) => ({
    mode: "managed",
    type: r.type,
    name: r.name,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [
      {
        schema_version: 0,
        attributes: filled(r),
        sensitive_attributes:
          r.type === "aws_cloudcontrolapi_resource" ? [[{ type: "get_attr", value: "schema" }]] : [],
        private: "bnVsbA==",
        create_before_destroy: cbd.has(r.address),
        dependencies: dependenciesOf(plan, r.address),
      },
    ],
  }));
  return JSON.stringify({
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000002",
    outputs: {},
    resources,
  });
}

const terraform = terraformIn;

describeTf("updating deployed inference components", () => {
  let changes: PlanJson["resource_changes"];
  let waitsFor: (later: string, earlier: string) => boolean;
  const of = (owner: string, type: string) => changes.filter((c) => ownerOf(c.address) === owner && c.type === type);
  const component = (owner: string) =>
    of(owner, "aws_cloudcontrolapi_resource").filter(
      (c) => (c.change.after ?? c.change.before).type_name === "AWS::SageMaker::InferenceComponent",
    );
  const endpointConfig = (owner: string) =>
    of(owner, "aws_cloudcontrolapi_resource").filter(
      (c) => (c.change.after ?? c.change.before).type_name === "AWS::SageMaker::EndpointConfig",
    );

  // The stacks read their account from STS: the stand-in answers.
  let sts: FakeSecretsManager;
  afterAll(() => sts?.stop());
  beforeAll(async () => {
    sts = await startFakeSecretsManager();
    const config = parseConfig(before);
    const deployment = resolveStage(config, "v1");
    const hosts = new Map<string, ComponentHost & { role: RoleIdentity }>([
      ...deployment.models.flatMap((m) =>
        m.hosting.kind === "scale-to-zero"
          ? [
              [
                m.name,
                { ...m.hosting.host, role: { namePrefix: m.hosting.rolePrefix, path: m.hosting.rolePath } },
              ] as const,
            ]
          : [],
      ),
      ...deployment.sharedEndpoints.map(
        (e) => [e.name, { ...e, role: { namePrefix: e.rolePrefix, path: e.rolePath } }] as const,
      ),
    ]);
    const deployed = synth(config);
    const planned = planOffline(join(deployed.outdir, "stacks", "idle-v1"), sts.url, { validate: false });
    const configured = new Set(
      Object.entries(deployed.stacks["idle-v1"].resource ?? {}).flatMap(([type, byName]) =>
        Object.entries(byName).flatMap(([name, r]) =>
          (r as { lifecycle?: { create_before_destroy?: boolean } }).lifecycle?.create_before_destroy
            ? [`${type}.${name}`]
            : [],
        ),
      ),
    );
    const state = deployedState(planned.plan as PlanWithValues, hosts, defaultTags(config, "v1"), configured);

    const dir = tempDir("llm-api-component-update-");
    cpSync(join(synth(parseConfig(after)).outdir, "stacks", "idle-v1"), dir, { recursive: true });
    writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(offlineOverride(sts.url)));
    writeFileSync(join(dir, "terraform.tfstate"), state);
    terraform(dir, ["init", "-input=false", "-no-color"]);
    terraform(dir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.bin"]);
    changes = (JSON.parse(terraform(dir, ["show", "-json", "plan.bin"])) as PlanJson).resource_changes;
    waitsFor = applyOrder(dir);
  });

  it("when nothing changes, the model, endpoint config, endpoint, component and scaling are left alone", () => {
    // The kept resources but the role policies, whose text in this offline state is a stand-in.
    const same = changes.filter(
      (x) => ownerOf(x.address) === "same" && KEPT.includes(x.type) && x.type !== "aws_iam_role_policy",
    );
    for (const c of same) expect([c.address, c.change.actions]).toEqual([c.address, ["no-op"]]);
    expect(same.map((c) => c.type).sort()).toEqual([
      "aws_appautoscaling_policy",
      "aws_appautoscaling_policy",
      "aws_appautoscaling_target",
      "aws_cloudcontrolapi_resource",
      "aws_cloudcontrolapi_resource",
      "aws_iam_role",
      "aws_sagemaker_endpoint",
      "aws_sagemaker_model",
    ]);
  });

  it("a new model version is a new component of a new name, made after the new model, before the old goes; the functions move to it once it is up", () => {
    const model = of("retrained", "aws_sagemaker_model")[0];
    expect(model.change.actions).toEqual(["create", "delete"]);
    const ic = component("retrained")[0];
    expect(ic.change.actions).toEqual(["create", "delete"]);
    const [was, now] = [JSON.parse(ic.change.before!.desired_state), JSON.parse(ic.change.after.desired_state)];
    expect(now.InferenceComponentName).not.toBe(was.InferenceComponentName);
    expect(now.InferenceComponentName).toMatch(/^idle-v1-retrained-[0-9a-f]{8}$/);
    expect(now.Specification.ModelName).toBe(model.change.after.name);
    // No rolling update is asked for: the component has no DeploymentConfig, and starts with one copy.
    expect([now.DeploymentConfig, now.RuntimeConfig]).toEqual([undefined, { CopyCount: 1 }]);
    expect(waitsFor(ic.address, model.address)).toBe(true);
    const chat = changes.find((c) => c.address.startsWith("aws_lambda_function.chat_function"))!;
    expect(waitsFor(chat.address, ic.address)).toBe(true);
    // Its copies' scaling follows it (a new scalable target); the endpoint stays as it is.
    expect(of("retrained", "aws_appautoscaling_target").map((c) => c.change.actions)).toEqual([["create", "delete"]]);
    expect(of("retrained", "aws_sagemaker_endpoint").map((c) => c.change.actions)).toEqual([["no-op"]]);
  });

  it("a new instance type makes a new endpoint config before the old goes, updates the endpoint, and leaves the component", () => {
    expect(endpointConfig("resized").map((c) => c.change.actions)).toEqual([["create", "delete"]]);
    expect(of("resized", "aws_sagemaker_endpoint").map((c) => c.change.actions)).toEqual([["update"]]);
    expect(component("resized").map((c) => c.change.actions)).toEqual([["no-op"]]);
  });

  it("more copies on a shared endpoint change the scalable target in place", () => {
    const target = of("busier", "aws_appautoscaling_target")[0];
    expect([target.change.actions, target.change.before?.max_capacity, target.change.after.max_capacity]).toEqual([
      ["update"],
      1,
      3,
    ]);
    expect(component("busier").map((c) => c.change.actions)).toEqual([["no-op"]]);
  });

  it("a model moved onto the shared endpoint gets a new component there before its old one and old endpoint go", () => {
    const ics = component("mover");
    expect(ics.map((c) => c.change.actions)).toEqual([["create", "delete"]]);
    const state = JSON.parse(ics[0].change.after.desired_state);
    expect([state.InferenceComponentName, state.EndpointName]).toEqual([
      expect.stringMatching(/^idle-v1-gpu-mover-[0-9a-f]{8}$/),
      "idle-v1-gpu",
    ]);
    expect(of("mover", "aws_sagemaker_endpoint").map((c) => c.change.actions)).toEqual([["delete"]]);
    // The functions that name it are updated once the new component exists.
    const chat = changes.find((c) => c.address.startsWith("aws_lambda_function.chat_function"))!;
    expect(waitsFor(chat.address, ics[0].address)).toBe(true);
    expect(endpointConfig("mover").map((c) => c.change.actions)).toEqual([["delete"]]);
  });
});
