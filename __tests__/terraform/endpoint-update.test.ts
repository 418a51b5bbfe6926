import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { parseConfig } from "../../config/load";
import type { ConfigInput } from "../../config/schema";
import { synth } from "../helpers/synth";
import { OFFLINE_OVERRIDE, planOffline, requireTerraform, type PlanJson } from "../helpers/terraform";

/**
 * A change of instance type or model on a deployed endpoint: a state of the
 * deployed stage is made offline from a plan's planned values, then the changed
 * config is planned against it. Terraform itself decides the actions.
 */
jest.setTimeout(300_000);
const describeTf = requireTerraform() ? describe : describe.skip;

const mistral = { modelId: "mistralai/Mistral-7B-Instruct-v0.2", maxInputTokens: 3072, maxTotalTokens: 4096 };
const base: ConfigInput = { region: "us-east-1", models: [{ name: "mistral-7b", huggingFace: mistral, instance: { type: "ml.g5.2xlarge" } }] };
const KEPT = ["aws_iam_role", "aws_iam_role_policy", "aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"];
const ACCOUNT = "123456789012";

type Planned = { address: string; mode: string; type: string; name: string; values: Record<string, any> };

/** The deployed state: the endpoint's resources as planned, with the values AWS would have filled in. */
function deployedState(plan: PlanJson & { planned_values: { root_module: { resources: Planned[] } } }): string {
  const planned = plan.planned_values.root_module.resources.filter((r) => r.mode === "managed" && KEPT.includes(r.type) && r.address.includes("model-"));
  const role = planned.find((r) => r.type === "aws_iam_role")!;
  const roleName = `${role.values.name_prefix}20261124000000000000000001`;
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
  const configName = `${planned.find((r) => r.type === "aws_sagemaker_endpoint_configuration")!.values.name_prefix}20261124000000000000000002`;
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
        return { ...v, role: roleName, id: `${roleName}:model-1`, name: "model-1", policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) };
      case "aws_sagemaker_model":
        return { ...v, id: v.name, arn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model/${v.name}`, execution_role_arn: roleArn };
      case "aws_sagemaker_endpoint_configuration":
        return { ...v, id: configName, name: configName, arn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint-config/${configName}` };
      default:
        return { ...v, id: v.name, arn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/${v.name}`, endpoint_config_name: configName };
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
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: 0, attributes: filled(r), sensitive_attributes: [], private: "bnVsbA==", create_before_destroy: true }],
    })),
  });
}

let deployed: string | undefined;

/** Plans `changed` against the state of the base config, deployed. */
function planChange(changed: ConfigInput): PlanJson["resource_changes"] {
  if (!deployed) {
    const before = synth(parseConfig(base));
    deployed = deployedState(planOffline(join(before.outdir, "stacks", "llm-api-v1")).plan as never);
  }
  const state = deployed;
  const after = synth(parseConfig(changed));
  const dir = mkdtempSync(join(tmpdir(), "llm-api-update-"));
  cpSync(join(after.outdir, "stacks", "llm-api-v1"), dir, { recursive: true });
  writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(OFFLINE_OVERRIDE));
  writeFileSync(join(dir, "terraform.tfstate"), state);
  const tf = (args: string[]) =>
    execFileSync("terraform", args, { cwd: dir, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  tf(["init", "-input=false", "-no-color"]);
  tf(["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.bin"]);
  return (JSON.parse(tf(["show", "-json", "plan.bin"])) as PlanJson).resource_changes;
}

const actionsOf = (changes: PlanJson["resource_changes"], type: string) => changes.filter((c) => c.type === type).map((c) => c.change.actions);

describeTf("updating a deployed endpoint", () => {
  it("when nothing changes, the endpoint's resources are left alone", () => {
    const changes = planChange(base);
    for (const type of ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"])
      expect([type, actionsOf(changes, type)]).toEqual([type, [["no-op"]]]);
  });

  it("when the instance type changes, a new endpoint config is created before the old is deleted and the endpoint is updated in place", () => {
    const changed: ConfigInput = { ...base, models: [{ name: "mistral-7b", huggingFace: mistral, instance: { type: "ml.g5.4xlarge" } }] };
    const changes = planChange(changed);
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
    const changes = planChange(changed);
    const model = changes.find((c) => c.type === "aws_sagemaker_model")!;
    expect(model.change.actions).toEqual(["create", "delete"]);
    expect(model.change.after.name).toMatch(/^llm-api-v1-mistral-7b-[0-9a-f]{8}$/);
    expect(actionsOf(changes, "aws_sagemaker_endpoint_configuration")).toEqual([["create", "delete"]]);
    expect(actionsOf(changes, "aws_sagemaker_endpoint")).toEqual([["update"]]);
  });
});
