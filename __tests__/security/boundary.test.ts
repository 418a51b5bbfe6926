import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { stagesOf, type Config } from "../../config/schema";
import { ciScope } from "../../deployment/iam/ci-policies";
import { deployRoleStatements } from "../../deployment/iam/deploy-role";
import { boundaryArn, stageBoundaryStatements } from "../../deployment/iam/boundary";
import { endpointArn, policyDocument } from "../../deployment/iam/iam-policies";
import { ROOT, synth, type StackJson, SHIPPED_CONFIGS } from "../helpers/synth";
import { simulatorOrSkip, type Simulation } from "../helpers/iam-simulator";

/**
 * The deploy role cannot make itself (or anyone) more than the product's roles are: every step of the
 * escalation path is denied by IAM simulation, the stage roles' own policies are all allowed under
 * the boundary, and the boundary allows nothing beyond them, whatever a role's policy says.
 */
const ACCOUNT = "123456789012";
const simulator = simulatorOrSkip();
const suite = simulator ? describe : describe.skip;
const CONFIGS = SHIPPED_CONFIGS;
/** As CI deploys it: with ci, so the stage roles carry the boundary. */
const withCi = (config: Config): Config =>
  config.ci ? config : { ...config, ci: { repository: "acme/llm-api", branch: "main", environment: "production" } };

const DEFAULT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
};

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "NotApplicable";
async function decide(
  identity: unknown,
  action: string,
  resource: string,
  context: Record<string, string> = {},
  boundary?: unknown,
): Promise<Decision> {
  const simulation: Simulation = {
    identityPolicies: [{ name: "identity", policy: identity }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundary ? { permissionBoundaryPolicies: [{ name: "boundary", policy: boundary }] } : {}),
    // KMS asks the key's own policy first: the default one, which lets IAM policies of the account decide.
    ...(action.startsWith("kms:") ? { resourcePolicy: DEFAULT_KEY_POLICY } : {}),
    request: {
      action,
      principal: `arn:aws:iam::${ACCOUNT}:role/tested`,
      resource: { accountId: ACCOUNT, resource },
      contextVariables: context,
    },
  };
  const result = await simulator!(simulation, {});
  // A statement may list a resource of a type the action never takes (a log group beside its streams): no request asks that.
  if (result.resultType === "error" && JSON.stringify(result.errors).includes("no.resource.types"))
    return "NotApplicable";
  if (result.resultType === "error") throw new Error(`${action} on ${resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

suite("the deploy role's escalation path, by IAM simulation", () => {
  const config = loadConfig(join(ROOT, "examples", "team.json"));
  const deploy = policyDocument(deployRoleStatements(ciScope(config, "aws", ACCOUNT)));
  const boundary = boundaryArn("aws", ACCOUNT, config.project);
  // The stage roles live under the project's path.
  const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/llm-api/${config.project}/${name}`;
  const admin = "arn:aws:iam::aws:policy/AdministratorAccess";

  it("allows the stage's own roles under the boundary (the check can pass)", async () => {
    const own = { "iam:PermissionsBoundary": boundary };
    expect(
      await decide(deploy, "iam:CreateRole", role("llm-api-dev-x"), {
        ...own,
        "aws:RequestTag/Project": config.project,
      }),
    ).toBe("Allowed");
    expect(
      await decide(deploy, "iam:PutRolePolicy", role("llm-api-prod-x"), {
        ...own,
        "aws:ResourceTag/Project": config.project,
      }),
    ).toBe("Allowed");
  });

  it.each([
    ["create a role without the boundary", "iam:CreateRole", role("llm-api-dev-x"), {}],
    [
      "create a role under another boundary",
      "iam:CreateRole",
      role("llm-api-dev-x"),
      { "iam:PermissionsBoundary": admin },
    ],
    [
      "attach AdministratorAccess to a stage role",
      "iam:AttachRolePolicy",
      role("llm-api-dev-x"),
      { "iam:PermissionsBoundary": boundary, "iam:PolicyARN": admin },
    ],
    ["put an inline policy on a role without the boundary", "iam:PutRolePolicy", role("llm-api-dev-x"), {}],
    [
      "remove a stage role's boundary",
      "iam:DeleteRolePermissionsBoundary",
      role("llm-api-dev-x"),
      { "iam:PermissionsBoundary": boundary },
    ],
    [
      "swap a stage role's boundary for another",
      "iam:PutRolePermissionsBoundary",
      role("llm-api-dev-x"),
      { "iam:PermissionsBoundary": admin },
    ],
    [
      "change a stage role's trust policy",
      "iam:UpdateAssumeRolePolicy",
      role("llm-api-dev-x"),
      { "iam:PermissionsBoundary": boundary },
    ],
    ["rewrite the boundary policy", "iam:CreatePolicyVersion", boundary, {}],
    ["make another version of the boundary the default", "iam:SetDefaultPolicyVersion", boundary, {}],
    ["delete the boundary policy", "iam:DeletePolicy", boundary, {}],
    ["create a policy of its own", "iam:CreatePolicy", `arn:aws:iam::${ACCOUNT}:policy/llm-api-dev-admin`, {}],
    // The CI stack's roles are at IAM's default path, outside the project's.
    [
      "write the deploy role's own policy",
      "iam:PutRolePolicy",
      `arn:aws:iam::${ACCOUNT}:role/llm-api-ci-deploy`,
      { "iam:PermissionsBoundary": boundary },
    ],
    [
      "create a stage-named role outside the project's path",
      "iam:CreateRole",
      `arn:aws:iam::${ACCOUNT}:role/llm-api-dev-x`,
      { "iam:PermissionsBoundary": boundary },
    ],
    [
      "create a role outside the stage names",
      "iam:CreateRole",
      role("payments-admin"),
      { "iam:PermissionsBoundary": boundary },
    ],
  ])("denies: %s", async (_, action, resource, context) => {
    // With the project's tag in the request and on the role, so what denies is what the case names.
    const tags = { "aws:RequestTag/Project": config.project, "aws:ResourceTag/Project": config.project };
    expect(await decide(deploy, action, resource, { ...tags, ...(context as Record<string, string>) })).not.toBe(
      "Allowed",
    );
  });
});

suite("the stage boundary, by IAM simulation", () => {
  /** A policy template of a stage stack with its references filled in as they are after apply. */
  const resolved = (stack: StackJson, text: string, region: string) =>
    text
      .replace(/\$\{data\.aws_partition\.[^}]+\.partition\}/g, "aws")
      .replace(/\$\{data\.aws_caller_identity\.caller\.account_id\}/g, ACCOUNT)
      .replace(/\$\{aws_sagemaker_endpoint\.([^.]+)\.arn\}/g, (_, n) =>
        endpointArn("aws", region, ACCOUNT, (stack.resource!.aws_sagemaker_endpoint[n] as { name: string }).name),
      )
      .replace(
        /\$\{aws_cloudwatch_log_group\.([^.]+)\.arn\}/g,
        (_, n) =>
          `arn:aws:logs:${region}:${ACCOUNT}:log-group:${(stack.resource!.aws_cloudwatch_log_group[n] as { name: string }).name}`,
      )
      .replace(
        /\$\{aws_api_gateway_rest_api\.[^.]+\.execution_arn\}/g,
        `arn:aws:execute-api:${region}:${ACCOUNT}:abc123`,
      );

  for (const file of simulator ? CONFIGS : []) {
    const config = withCi(loadConfig(file));
    const boundary = policyDocument(stageBoundaryStatements(config, "aws", ACCOUNT));
    const name = file.split("/").slice(-2).join("/");

    it(`${name}: allows every action of every stage role's own policy, on its resources`, async () => {
      const { stacks } = synth(config);
      const refused: string[] = [];
      let checked = 0;
      for (const stage of stagesOf(config)) {
        const stack = stacks[`${config.project}-${stage}`];
        const roles = Object.values(stack.resource?.aws_iam_role ?? {}) as { permissions_boundary?: string }[];
        expect(roles.every((r) => r.permissions_boundary?.endsWith(`:policy/${config.project}-stage-boundary`))).toBe(
          true,
        );
        for (const [id, p] of Object.entries(stack.resource?.aws_iam_role_policy ?? {})) {
          const policy = JSON.parse(resolved(stack, (p as { policy: string }).policy, config.region));
          for (const st of policy.Statement as {
            Action: string | string[];
            Resource: string | string[];
            Condition?: Record<string, Record<string, string>>;
          }[]) {
            // Every resource the project creates carries its Project tag (provider default tags, and the
            // Cloud Control resources' own); adopted endpoints do not, and their statement needs none.
            const context = {
              "aws:ResourceTag/Project": config.project,
              ...Object.fromEntries(
                Object.values(st.Condition ?? {}).flatMap((c) =>
                  Object.entries(c).map(([k, v]) => [k, String(v).replace(/\*/g, "")]),
                ),
              ),
            };
            for (const action of [st.Action].flat())
              for (const resource of [st.Resource].flat()) {
                // A log group's ":*" stands for its streams: one of them is asked for.
                const sample =
                  resource === "*"
                    ? "*"
                    : resource.replace(/(:log-group:[^*]+):\*$/, "$1:log-stream:x").replace(/\*/g, "x");
                const decision = await decide(policy, action, sample, context, boundary);
                if (decision === "NotApplicable") continue;
                checked++;
                if (decision !== "Allowed") refused.push(`${id}: ${action} on ${sample} -> ${decision}`);
              }
          }
        }
      }
      expect(refused).toEqual([]);
      expect(checked).toBeGreaterThan(10);
    });

    it(`${name}: allows nothing more, even to a role whose own policy allows everything`, async () => {
      const everything = policyDocument([{ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }]);
      const other = (kind: string) => `arn:aws:sagemaker:${config.region}:${ACCOUNT}:${kind}/other-app-prod-model`;
      const beyond: [string, string][] = [
        ["iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/anything`],
        ["iam:PutRolePolicy", `arn:aws:iam::${ACCOUNT}:role/${config.project}-${stagesOf(config)[0]}-x`],
        ["iam:AttachRolePolicy", `arn:aws:iam::${ACCOUNT}:role/${config.project}-${stagesOf(config)[0]}-x`],
        ["sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`],
        ["sagemaker:InvokeEndpoint", other("endpoint")],
        ["sagemaker:CreateEndpoint", other("endpoint")],
        ["s3:GetObject", "arn:aws:s3:::payroll-exports/2026/december.csv"],
        ["s3:ListBucket", "arn:aws:s3:::payroll-exports"],
        // A model bucket's listing is allowed under the model's prefix only (s3:prefix), never the whole bucket.
        ["s3:ListBucket", "arn:aws:s3:::idle-free-models"],
        ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${config.region}:${ACCOUNT}:secret:prod-db-AbCdEf`],
        ["lambda:UpdateFunctionCode", `arn:aws:lambda:${config.region}:${ACCOUNT}:function:payments`],
        ["apigateway:GET", `arn:aws:apigateway:${config.region}::/apikeys/abc123`],
      ];
      // A name of the project's pattern that another project's resource has (project "llm" with
      // stage "api" against project "llm-api"): refused by its tag.
      const stage = stagesOf(config)[0];
      const overlapping: [string, string][] = [
        [
          "sagemaker:InvokeEndpoint",
          `arn:aws:sagemaker:${config.region}:${ACCOUNT}:endpoint/${config.project}-${stage}-x`,
        ],
        [
          "secretsmanager:GetSecretValue",
          `arn:aws:secretsmanager:${config.region}:${ACCOUNT}:secret:${config.project}-${stage}-x-AbCdEf`,
        ],
      ];
      for (const [action, resource] of overlapping) {
        expect([
          action,
          await decide(everything, action, resource, { "aws:ResourceTag/Project": "other" }, boundary),
        ]).toEqual([action, "ImplicitlyDenied"]);
        expect([
          action,
          await decide(everything, action, resource, { "aws:ResourceTag/Project": config.project }, boundary),
        ]).toEqual([action, "Allowed"]);
      }
      const allowed: string[] = [];
      for (const [action, resource] of beyond)
        if ((await decide(everything, action, resource, {}, boundary)) === "Allowed")
          allowed.push(`${action} on ${resource}`);
      expect(allowed).toEqual([]);
    });
  }
});
