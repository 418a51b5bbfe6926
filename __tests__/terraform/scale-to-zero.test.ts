import Ajv from "ajv-draft-04";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveStage } from "../../deployment/resolve";
import { loadConfig } from "../../config/load";
import type { Config } from "../../config/schema";
import { CLOUD_CONTROL_SCHEMAS } from "../../reference/cloudformation";
import { functionModels, ROOT, synth, type StackJson } from "../helpers/synth";
import { planOffline, planStacksOffline, requireTerraform, type PlannedStack } from "../helpers/terraform";
import { startFakeSecretsManager, type FakeSecretsManager } from "../helpers/fake-secrets-manager";

/**
 * examples/scale-to-zero.json planned by real Terraform with no network: the Cloud Control
 * resources carry their CloudFormation schema, so the provider validates each desired state
 * offline (it would otherwise ask the CloudFormation registry), and a state that breaks the
 * schema fails the plan.
 */
jest.setTimeout(300_000);
const describeTf = requireTerraform() ? describe : describe.skip;
const FILE = join(ROOT, "examples", "scale-to-zero.json");
/** The shared endpoint a model is placed on, if any. */
const hostOf = (m: Config["models"][number]) =>
  m.capacity.kind === "instance" ? m.capacity.placement?.endpoint : undefined;
/** A component is named for its model and, on a shared endpoint, for the endpoint too, then a hash of what it runs. */
const componentOf = (m: Config["models"][number]) => {
  const hosting = resolveStage(loadConfig(FILE), "v1").models.find((r) => r.name === m.name)!.hosting;
  const name = hosting.kind === "scale-to-zero" || hosting.kind === "placed" ? hosting.component.name : undefined;
  expect(name).toMatch(new RegExp(`^idle-free-v1-${hostOf(m) ? `${hostOf(m)}-` : ""}${m.name}-[0-9a-f]{8}$`));
  return name!;
};

describeTf("terraform: examples/scale-to-zero.json", () => {
  const config = loadConfig(FILE);
  const stackName = `${config.project}-v1`;
  let outdir: string;
  let stack: StackJson;
  let planned: PlannedStack;
  const changes = (type: string) => planned.plan.resource_changes.filter((r) => r.type === type);

  // The stack reads its account from STS: the stand-in answers.
  let sts: FakeSecretsManager;
  beforeAll(async () => {
    sts = await startFakeSecretsManager();
    const result = synth(config);
    outdir = result.outdir;
    stack = result.stacks[stackName];
    planned = planStacksOffline({ [stackName]: join(outdir, "stacks", stackName) }, sts.url, { validate: false })[
      stackName
    ];
  });
  afterAll(() => sts?.stop());

  it("starts qwen-14b from its uncompressed S3 prefix, which its role may list and read and nothing more", () => {
    const model = changes("aws_sagemaker_model").find((m) => m.change.after.name.startsWith("idle-free-v1-qwen-14b-"))!;
    const container = model.change.after.primary_container[0];
    expect(container.model_data_source).toEqual([
      {
        s3_data_source: [
          {
            s3_uri: "s3://idle-free-models/qwen2.5-14b-instruct/",
            s3_data_type: "S3Prefix",
            compression_type: "None",
            model_access_config: [],
          },
        ],
      },
    ]);
    expect(container.environment).toMatchObject({ HF_MODEL_ID: "/opt/ml/model", HF_HUB_OFFLINE: "1" });
    // The execution policies as written (their account is read from STS at plan).
    const written = (Object.values(stack.resource!.aws_iam_role_policy) as { policy: string }[]).map((p) => p.policy);
    const withData = written.filter((p) => p.includes("ModelData"));
    const s3 = (rest: string) => `arn:\${data.aws_partition.partition.partition}:s3:::${rest}`;
    expect(withData).toHaveLength(1);
    expect(withData[0]).toContain(
      JSON.stringify({
        Sid: "ReadModelData",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: s3("idle-free-models/qwen2.5-14b-instruct/*"),
      }),
    );
    expect(withData[0]).toContain(
      JSON.stringify({
        Sid: "ListModelData",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: s3("idle-free-models"),
        Condition: { StringLike: { "s3:prefix": "qwen2.5-14b-instruct/*" } },
      }),
    );
  });

  it("plans one inference component and one model-less endpoint config per model, with their schemas", () => {
    const components = changes("aws_cloudcontrolapi_resource").filter(
      (r) => r.change.after.type_name === "AWS::SageMaker::InferenceComponent",
    );
    const configs = changes("aws_cloudcontrolapi_resource").filter(
      (r) => r.change.after.type_name === "AWS::SageMaker::EndpointConfig",
    );
    // Two models alone on endpoints of their own, two placed on one shared endpoint.
    const hosts =
      config.models.filter((m) => m.capacity.kind === "instance" && !m.capacity.placement).length +
      config.endpoints.length;
    expect(components).toHaveLength(config.models.length);
    expect(configs).toHaveLength(hosts);
    expect(changes("aws_sagemaker_endpoint_configuration")).toHaveLength(0);
    expect(
      changes("aws_sagemaker_endpoint")
        .map((e) => e.change.after.name)
        .sort(),
    ).toEqual(["idle-free-v1-qwen-7b", "idle-free-v1-bge-base", "idle-free-v1-shared-gpu"].sort());
    const onShared = components
      .map((c) => JSON.parse(c.change.after.desired_state))
      .filter((d) => d.EndpointName === "idle-free-v1-shared-gpu");
    expect(onShared.map((d) => [d.InferenceComponentName, d.Specification.ComputeResourceRequirements]).sort()).toEqual(
      [
        [
          componentOf(config.models.find((m) => m.name === "llama-8b")!),
          { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 32768 },
        ],
        [
          componentOf(config.models.find((m) => m.name === "qwen-14b")!),
          { NumberOfAcceleratorDevicesRequired: 2, MinMemoryRequiredInMb: 65536 },
        ],
      ],
    );
    // The component's desired state is known at plan, so the provider validated it against the schema given.
    const ajv = new Ajv({ strict: false });
    const validComponent = ajv.compile(CLOUD_CONTROL_SCHEMAS["AWS::SageMaker::InferenceComponent"]);
    for (const c of components) {
      const state = JSON.parse(c.change.after.desired_state);
      expect([state, validComponent(state), validComponent.errors]).toEqual([state, true, null]);
      expect(state.RuntimeConfig).toEqual({ CopyCount: 1 });
      expect(state.Specification.ModelName).toMatch(/^idle-free-v1-[a-z0-9-]+-[0-9a-f]{8}$/);
    }
    // The config's role ARN is known only at apply: the provider validates it then (the unit tests check what synth writes).
    for (const c of configs) expect(c.change.after_unknown.desired_state).toBe(true);
    const written = Object.values(stack.resource!.aws_cloudcontrolapi_resource) as {
      type_name: string;
      desired_state: string;
    }[];
    for (const c of written.filter((r) => r.type_name === "AWS::SageMaker::EndpointConfig"))
      expect(c.desired_state).toContain('"ManagedInstanceScaling" = {"Status" = "ENABLED", "MinInstanceCount" = 0');
  });

  it("scales each component's copies from 0, wakes it on NoCapacityInvocationFailures, and tracks load", () => {
    const targets = changes("aws_appautoscaling_target");
    expect(
      targets
        .map((t) => [t.change.after.resource_id, t.change.after.scalable_dimension, t.change.after.min_capacity])
        .sort(),
    ).toEqual(
      config.models
        .map((m) => [`inference-component/${componentOf(m)}`, "sagemaker:inference-component:DesiredCopyCount", 0])
        .sort(),
    );
    const policies = changes("aws_appautoscaling_policy");
    expect(policies.filter((p) => p.change.after.policy_type === "StepScaling")).toHaveLength(config.models.length);
    expect(policies.filter((p) => p.change.after.policy_type === "TargetTrackingScaling")).toHaveLength(
      config.models.length,
    );
    const alarms = changes("aws_cloudwatch_metric_alarm").filter(
      (a) => a.change.after.metric_name === "NoCapacityInvocationFailures",
    );
    expect(alarms.map((a) => a.change.after.dimensions.InferenceComponentName).sort()).toEqual(
      config.models.map(componentOf).sort(),
    );
    for (const a of alarms) expect(a.change.after_unknown.alarm_actions).toBeTruthy();
  });

  it("keeps qwen-7b at one copy in office hours and lets it go to zero after, on its component's target", () => {
    const component = `inference-component/${componentOf(config.models.find((m) => m.name === "qwen-7b")!)}`;
    const scheduled = changes("aws_appautoscaling_scheduled_action").map((a) => a.change.after);
    expect(
      scheduled
        .map((a) => [
          a.resource_id,
          a.scalable_dimension,
          a.schedule,
          a.timezone,
          a.scalable_target_action[0].min_capacity,
        ])
        .sort(),
    ).toEqual([
      [component, "sagemaker:inference-component:DesiredCopyCount", "cron(0 19 ? * MON-FRI *)", "Europe/Berlin", "0"],
      [component, "sagemaker:inference-component:DesiredCopyCount", "cron(0 8 ? * MON-FRI *)", "Europe/Berlin", "1"],
    ]);
    // What the schedules set, the next deploy leaves alone.
    const targets = Object.values(stack.resource!.aws_appautoscaling_target) as {
      resource_id: string;
      lifecycle?: { ignore_changes?: string[] };
    }[];
    expect(targets.find((t) => t.resource_id.includes("qwen-7b"))!.lifecycle?.ignore_changes).toEqual([
      "min_capacity",
      "max_capacity",
    ]);
    expect(targets.find((t) => t.resource_id.includes("bge-base"))!.lifecycle?.ignore_changes).toBeUndefined();
  });

  it("gives the functions the component of each model, and lets them invoke exactly it and its endpoint", () => {
    const chat = Object.values(stack.resource!.aws_lambda_function).find(
      (f: any) => f.function_name === "idle-free-v1-chat",
    )!;
    const routes = functionModels(chat as Record<string, any>) as Record<
      string,
      { endpoint: string; component?: string }
    >;
    for (const m of config.models)
      expect([m.name, routes[m.name]]).toEqual([
        m.name,
        expect.objectContaining({ endpoint: `idle-free-v1-${hostOf(m) ?? m.name}`, component: componentOf(m) }),
      ]);
    // The functions wait for the components they name: a model moved to another endpoint is switched once its new component is up.
    const components = Object.entries(stack.resource!.aws_cloudcontrolapi_resource)
      .filter(([, c]) => (c as { type_name: string }).type_name === "AWS::SageMaker::InferenceComponent")
      .map(([id]) => `aws_cloudcontrolapi_resource.${id}`);
    expect((chat as { depends_on: string[] }).depends_on).toEqual(expect.arrayContaining(components));
    const policies = Object.values(stack.resource!.aws_iam_role_policy).map((p: any) => String(p.policy));
    const chatPolicy = policies.find((p) =>
      config.models.every((m) => p.includes(`inference-component/${componentOf(m)}`)),
    );
    expect(chatPolicy).toContain("endpoint/idle-free-v1-shared-gpu");
    // A placed model's own functions may call its component and the shared endpoint, and no other model's component.
    const llama = policies.filter(
      (p) =>
        p.includes("inference-component/idle-free-v1-shared-gpu-llama-8b") &&
        !p.includes("inference-component/idle-free-v1-shared-gpu-qwen-14b"),
    );
    expect(llama).toHaveLength(2);
  });

  it("fails the plan, offline, on a desired state the schema refuses", () => {
    const copy = join(outdir, "stacks", stackName, "cdk.tf.json");
    const json = JSON.parse(readFileSync(copy, "utf8"));
    const component = Object.values(json.resource.aws_cloudcontrolapi_resource).find(
      (c: any) => c.type_name === "AWS::SageMaker::InferenceComponent",
    ) as {
      desired_state: string;
    };
    component.desired_state = component.desired_state.replace(
      '"VariantName" = "AllTraffic"',
      '"VariantName" = "AllTraffic", "Copies" = 3',
    );
    writeFileSync(copy, JSON.stringify(json));
    expect(() => planOffline(join(outdir, "stacks", stackName), sts.url, { validate: false })).toThrow(
      /validating desired_state against CloudFormation Resource Schema/,
    );
  });
});
