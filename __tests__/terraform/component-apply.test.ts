import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import type { ConfigInput } from "../../config/schema";
import { resolveStage } from "../../deployment/resolve";
import { ScaleToZeroEndpoint } from "../../modules/scale-to-zero-endpoint";
import { PlacedModel } from "../../modules/placed-model";
import { SharedEndpoint } from "../../modules/shared-endpoint";
import { synthConstruct } from "../helpers/synth";
import { attemptTerraform, offlineOverride, requireTerraform, terraform } from "../helpers/terraform";
import { startFakeSageMaker, type FakeSageMaker, type SageMakerCall } from "../helpers/fake-sagemaker";
import { startFakeSecretsManager, type FakeSecretsManager } from "../helpers/fake-secrets-manager";
import { tempDir } from "../helpers/temp";

/**
 * One stage's life for models that run as inference components, applied by Terraform's real apply
 * with the real AWS provider against SageMaker's control plane on loopback (SageMaker, Cloud Control
 * and IAM: helpers/stand-ins/sagemaker-control-plane.js). Cloud Control there applies the provider's
 * patch to the read model, which never holds a write-only property, as Cloud Control does; so an
 * apply that patches one fails here as it would on AWS. Every later apply must go through, and the
 * journal shows what SageMaker would have been asked. The copies' scaling (Application Auto Scaling)
 * and alarms (CloudWatch) have no stand-in and are left out of what is applied; the plans of
 * component-update.test.ts and scale-to-zero.test.ts cover them.
 */
jest.setTimeout(600_000);
const describeTf = requireTerraform() ? describe : describe.skip;

const tgi = (revision?: string) => ({
  modelId: "mistralai/Mistral-7B-Instruct-v0.2",
  maxInputTokens: 3072,
  maxTotalTokens: 4096,
  ...(revision ? { revision } : {}),
});
interface Stage {
  revision?: string;
  soloType?: string;
  soloMax?: number;
  placedMemoryMb?: number;
  soloRolePath?: string;
}
const config = (s: Stage): ConfigInput => ({
  project: "life",
  region: "us-east-1",
  endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }],
  models: [
    {
      name: "solo",
      huggingFace: tgi(s.revision),
      instance: { type: s.soloType ?? "ml.g6e.xlarge" },
      autoscaling: { minCapacity: 0, maxCapacity: s.soloMax ?? 1, targetValue: 10 },
    },
    {
      name: "placed",
      huggingFace: tgi(s.revision),
      placement: { endpoint: "gpu", gpus: 1, memoryMb: s.placedMemoryMb ?? 16384, maxCopies: 1 },
    },
  ],
});

/** What Application Auto Scaling and CloudWatch would create: no stand-in answers them. */
const UNSERVED = ["aws_appautoscaling_target", "aws_appautoscaling_policy", "aws_cloudwatch_metric_alarm"];

/** The stage's SageMaker resources, as its stack writes them (the same constructs). */
function stageStack(s: Stage): Record<string, any> {
  const deployment = resolveStage(parseConfig(config(s)), "v1");
  const common = { region: "us-east-1", partition: "aws", tags: { Project: "life", Stage: "v1" } };
  const stack = synthConstruct((scope) => {
    const host = new SharedEndpoint(scope, "shared-gpu", { ...common, endpoint: deployment.sharedEndpoints[0] })
      .endpoint;
    for (const m of deployment.models) {
      // Both models are inference components on instances (the config above says so).
      const { hosting } = m;
      if (hosting.kind === "placed") new PlacedModel(scope, `model-${m.name}`, { ...common, hosting, host });
      else if (hosting.kind === "scale-to-zero")
        new ScaleToZeroEndpoint(scope, `model-${m.name}`, {
          ...common,
          hosting: { ...hosting, rolePath: s.soloRolePath ?? hosting.rolePath },
        });
      else throw new Error(`${m.name}: expected an inference component, got ${hosting.kind}`);
    }
  }) as Record<string, any>;
  for (const type of UNSERVED) delete stack.resource[type];
  return stack;
}

const APPLY = ["apply", "-input=false", "-lock=false", "-auto-approve", "-no-color"];

describeTf("terraform apply of inference components against SageMaker's control plane on loopback", () => {
  let stand: FakeSageMaker;
  let sts: FakeSecretsManager;
  /** The calls each step made, by step. */
  const steps: Record<string, { ok: boolean; output: string; calls: SageMakerCall[] }> = {};
  let renamePlan: { address: string; action_reason?: string; change: { actions: string[] } }[];

  const writeStack = (dir: string, stack: Record<string, any>) => {
    const { terraform: tf, ...rest } = stack;
    const override = offlineOverride(sts.url);
    const endpoints = [{ sagemaker: stand.url, cloudcontrol: stand.url, iam: stand.url, sts: sts.url }];
    writeFileSync(
      join(dir, "cdk.tf.json"),
      JSON.stringify({ ...rest, terraform: { required_providers: tf.required_providers } }),
    );
    writeFileSync(
      join(dir, "offline_override.tf.json"),
      JSON.stringify({ ...override, provider: { aws: { ...(override.provider as any).aws, endpoints } } }),
    );
  };
  const step = (dir: string, name: string, stack: Record<string, any>) => {
    const before = stand.journal().calls.length;
    writeStack(dir, stack);
    const result = attemptTerraform(dir, APPLY);
    steps[name] = { ...result, calls: stand.journal().calls.slice(before) };
  };

  beforeAll(async () => {
    stand = await startFakeSageMaker();
    sts = await startFakeSecretsManager();
    const dir = tempDir("llm-api-component-apply-");
    writeStack(dir, stageStack({}));
    terraform(dir, ["init", "-input=false", "-no-color"]);
    step(dir, "deploy", stageStack({}));
    step(dir, "new model version", stageStack({ revision: "abc123" }));
    step(dir, "more memory per copy", stageStack({ revision: "abc123", placedMemoryMb: 32768 }));
    step(
      dir,
      "another instance type",
      stageStack({ revision: "abc123", placedMemoryMb: 32768, soloType: "ml.g6e.2xlarge" }),
    );
    step(
      dir,
      "a higher maximum",
      stageStack({ revision: "abc123", placedMemoryMb: 32768, soloType: "ml.g6e.2xlarge", soloMax: 2 }),
    );
    const renamed = stageStack({
      revision: "abc123",
      placedMemoryMb: 32768,
      soloType: "ml.g6e.2xlarge",
      soloMax: 2,
      soloRolePath: "/llm-api/life/moved/",
    });
    writeStack(dir, renamed);
    terraform(dir, ["plan", "-input=false", "-lock=false", "-no-color", "-out=rename.bin"]);
    renamePlan = JSON.parse(terraform(dir, ["show", "-json", "rename.bin"])).resource_changes;
    step(dir, "a renamed execution role", renamed);
    step(dir, "nothing changed", renamed);
  });
  afterAll(() => Promise.all([stand?.stop(), sts?.stop()]));

  const ops = (name: string) =>
    steps[name].calls
      .map((c) => c.operation)
      .filter((o) => !/^(Describe|List|Get|CloudControl\.Get)/.test(o) && o !== "ListTags");
  const named = (name: string, operation: string) =>
    steps[name].calls.filter((c) => c.operation === operation).map((c) => c.name);

  it("every step's apply goes through", () => {
    for (const [name, s] of Object.entries(steps))
      expect([name, s.ok, s.ok ? "" : s.output.slice(-2000)]).toEqual([name, true, ""]);
  });

  it("deploys each component with one copy and no deployment config, on its endpoint, with its model", () => {
    const created = steps.deploy.calls.filter((c) => c.operation === "CreateInferenceComponent");
    expect(created.map((c) => [c.endpoint, c.copies, c.deploymentConfig]).sort()).toEqual([
      ["life-v1-gpu", 1, undefined],
      ["life-v1-solo", 1, undefined],
    ]);
    expect(named("deploy", "CreateEndpointConfig")).toHaveLength(2);
    expect(steps.deploy.calls.filter((c) => c.operation === "iam.CreateRole")).toHaveLength(3);
  });

  it("a new model version is a new component for each model, created before the old one is deleted; nothing is patched", () => {
    const calls = ops("new model version");
    const created = named("new model version", "CreateInferenceComponent");
    const deleted = named("new model version", "DeleteInferenceComponent");
    expect([created.length, deleted.length]).toEqual([2, 2]);
    expect(created.filter((n) => deleted.includes(n))).toEqual([]);
    expect(calls.lastIndexOf("CreateInferenceComponent")).toBeLessThan(calls.indexOf("DeleteInferenceComponent"));
    expect(calls).not.toContain("UpdateInferenceComponent");
    expect(calls).not.toContain("CloudControl.UpdateResource");
    const journal = stand.journal();
    for (const name of created.filter((n) => journal.components[n!]))
      expect(journal.models[journal.components[name!].Specification.ModelName]).toBeDefined();
  });

  it("more memory per copy is a new component for that model alone", () => {
    expect(named("more memory per copy", "CreateInferenceComponent")).toEqual([
      expect.stringMatching(/^life-v1-gpu-placed-[0-9a-f]{8}$/),
    ]);
    expect(named("more memory per copy", "DeleteInferenceComponent")).toHaveLength(1);
    expect(ops("more memory per copy")).not.toContain("CreateEndpointConfig");
  });

  it("another instance type, and a higher maximum, make a new endpoint config the endpoint moves to, and leave the component", () => {
    for (const name of ["another instance type", "a higher maximum"]) {
      const calls = ops(name);
      expect([name, calls.filter((o) => /InferenceComponent/.test(o))]).toEqual([name, []]);
      expect([name, calls.filter((o) => o.endsWith("EndpointConfig") || o === "UpdateEndpoint")]).toEqual([
        name,
        ["CreateEndpointConfig", "UpdateEndpoint", "DeleteEndpointConfig"],
      ]);
    }
    const variant =
      stand.journal().configs[stand.journal().endpoints["life-v1-solo"].EndpointConfigName].ProductionVariants[0];
    expect([variant.InstanceType, variant.ManagedInstanceScaling]).toEqual([
      "ml.g6e.2xlarge",
      { Status: "ENABLED", MinInstanceCount: 0, MaxInstanceCount: 3 },
    ]);
  });

  it("a renamed execution role makes a new model and a new endpoint config of new names before the old ones go", () => {
    // Planned: the role's new ARN is unknown, and the config is replaced with it, created before the old one goes.
    const config = renamePlan.find((c) =>
      c.address.startsWith("aws_cloudcontrolapi_resource.model-solo_endpoint-config"),
    )!;
    expect([config.change.actions, config.action_reason]).toEqual([["create", "delete"], "replace_by_triggers"]);
    const calls = ops("a renamed execution role");
    expect(steps["a renamed execution role"].calls.find((c) => c.operation === "iam.CreateRole")).toMatchObject({
      path: "/llm-api/life/moved/",
    });
    const newConfig = named("a renamed execution role", "CreateEndpointConfig")[0];
    const oldConfig = named("a renamed execution role", "DeleteEndpointConfig")[0];
    expect(newConfig).not.toBe(oldConfig);
    expect(stand.journal().configs[newConfig!].ExecutionRoleArn).toMatch(
      /^arn:aws:iam::123456789012:role\/llm-api\/life\/moved\/life-v1-solo-sm-/,
    );
    expect(calls.indexOf("CreateModel")).toBeLessThan(calls.indexOf("UpdateEndpoint"));
    expect(calls.indexOf("DeleteEndpointConfig")).toBeGreaterThan(calls.indexOf("UpdateEndpoint"));
    expect(calls).toContain("iam.DeleteRole");
  });

  it("a second apply with nothing changed asks SageMaker for nothing", () => {
    expect(steps["nothing changed"].output).toContain("0 added, 0 changed, 0 destroyed");
    expect(ops("nothing changed")).toEqual([]);
  });
});

/**
 * The design this product had before: the component carried a DeploymentConfig (a rolling update
 * watched by rollback alarms), which a read never returns. Changing its alarm set made the provider
 * patch a path Cloud Control does not hold: the apply fails, after a plan that showed an update.
 */
describeTf("the former component design, with a rolling update's DeploymentConfig", () => {
  let stand: FakeSageMaker;
  let sts: FakeSecretsManager;
  let second: { ok: boolean; output: string };
  let patches: SageMakerCall[];

  const withDeploymentConfig = (stack: Record<string, any>, alarms: string[]) => {
    const components = stack.resource.aws_cloudcontrolapi_resource as Record<string, { desired_state: string }>;
    for (const r of Object.values(components).filter((c) => c.desired_state.includes("InferenceComponentName"))) {
      const rollback = alarms.map((a) => `{"AlarmName" = "${a}"}`).join(", ");
      const deployment = `"DeploymentConfig" = {"RollingUpdatePolicy" = {"MaximumBatchSize" = {"Type" = "COPY_COUNT", "Value" = 1}, "WaitIntervalInSeconds" = 120}, "AutoRollbackConfiguration" = {"Alarms" = [${rollback}]}}`;
      expect(r.desired_state).toContain(`"RuntimeConfig" = {"CopyCount" = 1}`);
      r.desired_state = r.desired_state.replace(
        `"RuntimeConfig" = {"CopyCount" = 1}`,
        `"RuntimeConfig" = {"CopyCount" = 1}, ${deployment}`,
      );
    }
    return stack;
  };

  beforeAll(async () => {
    stand = await startFakeSageMaker();
    sts = await startFakeSecretsManager();
    const dir = tempDir("llm-api-component-former-");
    const write = (stack: Record<string, any>) => {
      const { terraform: tf, ...rest } = stack;
      const override = offlineOverride(sts.url);
      const endpoints = [{ sagemaker: stand.url, cloudcontrol: stand.url, iam: stand.url, sts: sts.url }];
      writeFileSync(
        join(dir, "cdk.tf.json"),
        JSON.stringify({ ...rest, terraform: { required_providers: tf.required_providers } }),
      );
      writeFileSync(
        join(dir, "offline_override.tf.json"),
        JSON.stringify({ ...override, provider: { aws: { ...(override.provider as any).aws, endpoints } } }),
      );
    };
    write(withDeploymentConfig(stageStack({}), ["life-v1-solo-5xx-rate"]));
    terraform(dir, ["init", "-input=false", "-no-color"]);
    terraform(dir, APPLY);
    const before = stand.journal().calls.length;
    write(withDeploymentConfig(stageStack({}), ["life-v1-solo-5xx-rate", "life-v1-solo-4xx-rate"]));
    second = attemptTerraform(dir, APPLY);
    patches = stand
      .journal()
      .calls.slice(before)
      .filter((c) => c.operation === "CloudControl.UpdateResource");
  });
  afterAll(() => Promise.all([stand?.stop(), sts?.stop()]));

  it("fails the apply that changes the rollback alarm set: the patch names a write-only path a read does not return", () => {
    expect(second.ok).toBe(false);
    expect(second.output).toContain("noSuchPath");
    expect((patches[0].patch as { path: string }[]).map((p) => p.path)).toEqual([
      expect.stringMatching(/^\/DeploymentConfig\/AutoRollbackConfiguration\/Alarms/),
    ]);
  });
});
