import { join } from "node:path";
import { only, parseTemplateJson, resources, ROOT, synth } from "../helpers/synth";
import { loadConfig } from "../../config/load";

// The GitHub OIDC roles of examples/team.json.
const stack = () => synth(join(ROOT, "examples", "team.json")).stacks["llm-api-ci"];
const role = (s: ReturnType<typeof stack>, name: string) =>
  resources(s, "aws_iam_role").find((r) => r.values.name === name)!.values;
/** A role's managed policies (llm-api-ci-<role>-<n>), in order, as one list of statements. */
const statementsOf = (s: ReturnType<typeof stack>, role: "deploy" | "plan") =>
  resources(s, "aws_iam_policy")
    .filter((p) => new RegExp(`^llm-api-ci-${role}-\\d+$`).test(p.values.name))
    .sort((a, b) => Number(a.values.name.split("-").pop()) - Number(b.values.name.split("-").pop()))
    .flatMap((p) => parseTemplateJson(p.values.policy).Statement);

describe("CI stack", () => {
  it("creates the GitHub OIDC provider for sts.amazonaws.com", () => {
    expect(only(stack(), "aws_iam_openid_connect_provider")).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  it("lets only the repository's pull requests assume the plan role", () => {
    const trust = JSON.parse(role(stack(), "llm-api-ci-plan").assume_role_policy).Statement[0];
    expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(trust.Principal.Federated).toMatch(/^\$\{aws_iam_openid_connect_provider\.[^.]+\.arn\}$/);
    expect(trust.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": ["repo:acme/llm-api:pull_request"],
      },
    });
  });

  it("with a plan environment, lets only jobs in it assume the plan role, not every pull request", () => {
    const config = loadConfig(join(ROOT, "examples", "team.json"));
    const reviewed = synth({ ...config, ci: { ...config.ci!, planEnvironment: "plan-review" } }).stacks["llm-api-ci"];
    const trust = JSON.parse(role(reviewed, "llm-api-ci-plan").assume_role_policy).Statement[0];
    expect(trust.Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:acme/llm-api:environment:plan-review",
    ]);
  });

  it("lets only jobs in the repository's production environment assume the deploy role (not any job on main)", () => {
    const trust = JSON.parse(role(stack(), "llm-api-ci-deploy").assume_role_policy).Statement[0];
    expect(trust.Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:acme/llm-api:environment:production",
    ]);
  });

  it("gives the plan role the stage states (with their locks) and the reads of what deploys manage: no AWS-managed policy, nothing to write but locks", () => {
    const s = stack();
    // Only the stack's own policies are attached: the plan role's pages to it, the deploy role's to it.
    expect(resources(s, "aws_iam_role_policy").map((p) => p.name)).toEqual([]);
    const attached = resources(s, "aws_iam_role_policy_attachment").map((a) => [a.values.role, a.values.policy_arn]);
    expect(attached.length).toBeGreaterThanOrEqual(2);
    for (const [role, arn] of attached) {
      const page = /^\$\{aws_iam_policy\.(deploy|plan)-policy-\d+\.arn\}$/.exec(arn);
      expect([arn, role]).toEqual([arn, `\${aws_iam_role.${page?.[1]}-role.name}`]);
    }
    const keys = (suffix = "") =>
      ["dev", "prod"].map((stage) =>
        expect.stringMatching(new RegExp(`:s3:::acme-llm-api-tfstate/llm-api/llm-api-${stage}/\\*${suffix}$`)),
      );
    const plan = statementsOf(s, "plan");
    expect(plan.slice(0, 3)).toEqual([
      {
        Sid: "ListState",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: expect.stringMatching(/:s3:::acme-llm-api-tfstate$/),
      },
      { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: keys() },
      { Sid: "LockState", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: keys("\\.tflock") },
    ]);
    const writes = plan
      .slice(3)
      .flatMap((st: { Action: string | string[] }) => [st.Action].flat())
      .filter((a: string) => !/:(Get|Describe|List)|^apigateway:GET$/.test(a));
    expect(writes).toEqual([]);
    expect(plan.find((st: { Sid: string }) => st.Sid === "ReadProjectApiKeys")).toMatchObject({
      Action: "apigateway:GET",
      Condition: { StringEquals: { "aws:ResourceTag/Project": "llm-api" } },
    });
    const deployState = statementsOf(s, "deploy").find((st: { Sid: string }) => st.Sid === "ReadWriteState");
    expect(deployState.Resource).toEqual(keys());
  });

  it("scopes the deploy role to resources named for the stages, so it cannot touch the CI roles or the state bucket", () => {
    const statements = statementsOf(stack(), "deploy");
    // A statement too long for one policy is split into Sid, Sid2, ...: its resources are theirs together.
    const resourcesOf = (sid: string) =>
      statements
        .filter((s: { Sid: string }) => new RegExp(`^${sid}\\d*$`).test(s.Sid))
        .flatMap((s: { Resource: string | string[] }) => [s.Resource].flat()) as string[];
    expect(resourcesOf("ReadStageRoles").map((r) => r.split(":").pop())).toEqual([
      "role/llm-api/llm-api/llm-api-dev-*",
      "role/llm-api/llm-api/llm-api-prod-*",
    ]);
    // Changing, deleting and passing a role also needs this project's tag: names can match another project's.
    expect(resourcesOf("PassStageRoles").map((r) => r.split(":").pop())).toEqual([
      "role/llm-api/llm-api/llm-api-dev-*",
      "role/llm-api/llm-api/llm-api-prod-*",
    ]);
    for (const sid of ["UseTagged", "PassStageRoles"])
      expect(
        statements.find((s: { Sid: string }) => s.Sid === sid).Condition.StringEquals["aws:ResourceTag/Project"],
      ).toBe("llm-api");
    // Roles are created and their policies written only under the boundary the CI stack makes.
    // Created with the project's tag in the request, written only while they carry it.
    const boundaryRef = expect.stringMatching(/^\$\{aws_iam_policy\.stage-boundary\.arn\}$/);
    expect(statements.find((s: { Sid: string }) => s.Sid === "CreateBoundedStageRoles")).toMatchObject({
      Action: "iam:CreateRole",
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryRef, "aws:RequestTag/Project": "llm-api" } },
    });
    expect(statements.find((s: { Sid: string }) => s.Sid === "WriteBoundedStageRoles")).toMatchObject({
      Action: ["iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"],
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryRef, "aws:ResourceTag/Project": "llm-api" } },
    });
    const actions = statements.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    for (const never of [
      "iam:AttachRolePolicy",
      "iam:UpdateAssumeRolePolicy",
      "iam:DeleteRolePermissionsBoundary",
      "iam:CreatePolicyVersion",
    ])
      expect(actions).not.toContain(never);
    // Stage roles by stage; SageMaker resources, functions, log groups, alarms and topics by the project's
    // names; and the Project tag on every call (created with it, used carrying it).
    const tail = (r: string) => r.split(/account_id\}:/).pop();
    expect(resourcesOf("UseTagged").map(tail)).toEqual([
      "role/llm-api/llm-api/llm-api-dev-*",
      "role/llm-api/llm-api/llm-api-prod-*",
      "model/llm-api-*",
      "endpoint-config/llm-api-*",
      "endpoint/llm-api-*",
      "function:llm-api-*",
      "log-group:/aws/lambda/llm-api-*",
      "log-group:/aws/apigateway/llm-api-*",
      "alarm:llm-api-*",
      "llm-api-*",
    ]);
    // Created (and so tagged while untagged) only under the names the stages give: a pattern is left
    // only where the name ends in a hash (models, endpoint configs) or is the stage's (its roles).
    const created = resourcesOf("CreateTagged").map(tail);
    // (A log group's ARN with ":*" names its streams: the group itself is named exactly.)
    expect(created.filter((r) => r?.includes("*") && !/^log-group:[^*]+:\*$/.test(r))).toEqual([
      "role/llm-api/llm-api/llm-api-dev-*",
      "role/llm-api/llm-api/llm-api-prod-*",
      "model/llm-api-*",
      "endpoint-config/llm-api-*",
    ]);
    expect(created).toEqual(
      expect.arrayContaining([
        "endpoint/llm-api-dev-mistral-7b",
        "function:llm-api-prod-chat",
        "function:llm-api-dev-mistral-7b-invoke",
        "log-group:/aws/lambda/llm-api-prod-authorizer",
        "log-group:/aws/apigateway/llm-api-dev-access",
        "alarm:llm-api-prod-mistral-7b-stream-errors",
      ]),
    );
    expect(statements.find((s: { Sid: string }) => s.Sid === "UseTagged").Condition).toEqual({
      StringEquals: { "aws:ResourceTag/Project": "llm-api" },
    });
    expect(statements.find((s: { Sid: string }) => s.Sid === "CreateTagged").Condition).toEqual({
      StringEquals: { "aws:RequestTag/Project": "llm-api" },
      Null: { "aws:ResourceTag/Project": "true" },
    });
    for (const sid of ["ReadStageRoles", "CreateTagged", "UseTagged", "WriteBoundedStageRoles", "PassStageRoles"])
      for (const r of resourcesOf(sid)) expect(r).not.toMatch(/llm-api-ci/);
    // "*" only where AWS offers no resource-level permission.
    const wildcards = statements
      .filter((s: { Resource: string | string[] }) => [s.Resource].flat().includes("*"))
      .map((s: { Sid: string }) => s.Sid);
    expect(wildcards).toEqual(["WhoAmI", "ListLogGroups", "ReadScaling"]);
  });

  it("outputs the role ARNs the workflows need as secrets", () => {
    expect(Object.keys(stack().output!).sort()).toEqual(["deploy_role_arn", "plan_role_arn", "stage_boundary_arn"]);
  });

  it("when the account already has the GitHub provider, it reuses it", () => {
    const config = require(join(ROOT, "examples", "team.json"));
    const arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    const { parseConfig } = require("../../config/load");
    const s = synth(parseConfig({ ...config, ci: { ...config.ci, oidcProviderArn: arn } })).stacks["llm-api-ci"];
    expect(resources(s, "aws_iam_openid_connect_provider")).toHaveLength(0);
    expect(JSON.parse(role(s, "llm-api-ci-plan").assume_role_policy).Statement[0].Principal.Federated).toBe(arn);
  });

  it("gives each stage of one config its own stack and state key", () => {
    const { stacks } = synth(join(ROOT, "examples", "team.json"));
    expect(Object.keys(stacks).sort()).toEqual(["llm-api-ci", "llm-api-dev", "llm-api-prod", "llm-api-state"]);
    expect(stacks["llm-api-dev"].terraform!.backend!.s3.key).toBe("llm-api/llm-api-dev/terraform.tfstate");
    expect(stacks["llm-api-prod"].terraform!.backend!.s3.key).toBe("llm-api/llm-api-prod/terraform.tfstate");
    expect(only(stacks["llm-api-prod"], "aws_api_gateway_stage").stage_name).toBe("prod");
  });
});
