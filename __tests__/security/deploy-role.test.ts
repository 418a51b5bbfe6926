import { join } from "node:path";
import { readFileSync } from "node:fs";
import { loadConfig, parseConfig } from "../../config/load";
import { stagesOf } from "../../config/schema";
import { ciScope, planRoleStatements } from "../../deployment/iam/ci-policies";
import { deployRoleStatements } from "../../deployment/iam/deploy-role";
import { policyDocument } from "../../deployment/iam/iam-policies";
import { ROOT, synth, type StackJson, SHIPPED_CONFIGS } from "../helpers/synth";
import { DATA_ACTIONS, DEPLOY_ACTIONS, type Need, type Place, type Row } from "./deploy-actions";
import { simulatorOrSkip, type Simulation } from "../helpers/iam-simulator";

/**
 * The deploy role is enough, and no more: for every resource of every stage stack of every example
 * config, each action its lifecycle calls (deploy-actions.ts, per resource type, with sources) is
 * allowed on that resource by IAM simulation of the role's policy; and the same action on another
 * project's resource of the same kind is not.
 */
const ACCOUNT = "123456789012";
/** The calls that only read (what a plan with refresh makes). */
const READ = /^[a-z0-9-]+:(Get|Describe|List)[A-Za-z]*$|^apigateway:GET$/;
const CONFIGS = SHIPPED_CONFIGS;

/** Decisions already made, per policy: stacks and resources repeat the same requests (about one in six). */
const decided = new WeakMap<Record<string, unknown>, Map<string, Promise<string>>>();

function decide(policy: Record<string, unknown>, need: Need): Promise<string> {
  const known = decided.get(policy) ?? new Map<string, Promise<string>>();
  decided.set(policy, known);
  const key = JSON.stringify(need);
  if (!known.has(key)) known.set(key, decideOnce(policy, need));
  return known.get(key)!;
}

async function decideOnce(policy: Record<string, unknown>, need: Need): Promise<string> {
  const result = await simulate(policy, need);
  // The simulator's copy of the IAM reference gives some API Gateway resource types two ARN formats
  // in one (Deployments, Stages: /apis/... and /restapis/...), and then matches no resource for
  // POST on them. GET covers the same ARN: it is asked instead, and every statement that grants GET
  // on the same resources must grant POST too, as ManageProjectApis does.
  if (
    result.resultType === "error" &&
    need.action === "apigateway:POST" &&
    JSON.stringify(result.errors).includes("no.resource.types")
  ) {
    const get = await simulate(policy, { ...need, action: "apigateway:GET" });
    if (get.resultType === "error")
      throw new Error(`${need.action} on ${need.resource}: ${JSON.stringify(get.errors)}`);
    const covers = (pattern: string) =>
      new RegExp(
        `^${pattern
          .split("*")
          .map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
          .join(".*")}$`,
      ).test(need.resource);
    const granting = (policy.Statement as { Action: string | string[]; Resource: string | string[] }[]).filter(
      (st) => [st.Action].flat().includes("apigateway:GET") && [st.Resource].flat().some(covers),
    );
    return granting.every((st) => [st.Action].flat().includes("apigateway:POST"))
      ? get.overallResult
      : "POST is not granted beside GET";
  }
  if (result.resultType === "error")
    throw new Error(`${need.action} on ${need.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

function simulate(policy: Record<string, unknown>, need: Need) {
  return runSimulation(
    {
      identityPolicies: [{ name: "deploy", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(need.resourcePolicy ? { resourcePolicy: need.resourcePolicy } : {}),
      request: {
        action: need.action,
        principal: `arn:aws:iam::${ACCOUNT}:role/llm-api-ci-deploy`,
        resource: { accountId: ACCOUNT, resource: need.resource },
        contextVariables: { ...need.context },
      },
    },
    {},
  );
}

/** A resource's name as AWS will know it; interpolations of other resources resolved, computed parts filled in. */
function placeOf(stack: StackJson, region: string, project: string): Place {
  const nameOf = (text: string): string =>
    String(text).replace(
      /\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}|\$\{[^}]*\}/g,
      (whole, type?: string, name?: string) => {
        if (!type || !name) return "0a1b2c3d";
        const values = stack.resource?.[type]?.[name] as Record<string, any> | undefined;
        if (!values) return whole;
        const own =
          values.name ??
          values.function_name ??
          values.domain_name ??
          values.resource_id ??
          (values.name_prefix ? `${values.name_prefix}20261130000000000000000001` : undefined);
        // A resource without a name of its own (a stage, a key) is known by a generated id. A role is
        // known by its path and name, as its ARN holds them (role/<path><name>).
        if (own === undefined) return "a1b2c3d4e5";
        return type === "aws_iam_role" ? `${String(values.path ?? "/").slice(1)}${nameOf(own)}` : nameOf(own);
      },
    );
  // Every role of a stage with CI carries the CI stack's boundary (a policy of this account, by name).
  const bounded = Object.values(stack.resource?.aws_iam_role ?? {}).map(
    (r) => (r as { permissions_boundary?: string }).permissions_boundary,
  );
  const policy = bounded.find((b) => b !== undefined)?.match(/:policy\/([^}]+)$/)?.[1];
  return {
    partition: "aws",
    region,
    account: ACCOUNT,
    project,
    nameOf,
    boundary: policy ? `arn:aws:iam::${ACCOUNT}:policy/${policy}` : undefined,
  };
}

/** Names resolved in every string but a Cloud Control desired state, a document whose row reads its fields itself. */
const resolved = (values: Record<string, any>, at: Place): Record<string, any> =>
  Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === "string" && k !== "desired_state" ? at.nameOf(v) : v]),
  );

/** The same resource of another project: its stage prefix swapped. */
const foreign = (resource: string, prefix: string) => resource.split(prefix).join("other-app-prod");

const simulator = simulatorOrSkip();
const runSimulation = (simulation: Simulation, options: object) => simulator!(simulation, options);
const suite = simulator ? describe : describe.skip;

// Without the simulator nothing is synthesised either: the skipped suite costs nothing.
for (const file of simulator ? CONFIGS : []) {
  // A deploy role exists only with ci configured, and then the stage stacks carry its boundary: each
  // example is taken as CI would deploy it.
  const loaded = loadConfig(file);
  const config = loaded.ci
    ? loaded
    : { ...loaded, ci: { repository: "acme/llm-api", branch: "main", environment: "production" } };
  const name = file.split("/").slice(-2).join("/");
  const scope = ciScope(config, "aws", ACCOUNT);
  const policy = policyDocument(deployRoleStatements(scope)) as unknown as Record<string, unknown>;
  const planPolicy = policyDocument(planRoleStatements(scope, deployRoleStatements(scope))) as unknown as Record<
    string,
    unknown
  >;
  const { stacks } = synth(config);

  describe(`the deploy role, for ${name}`, () => {
    for (const stage of stagesOf(config)) {
      const stackName = `${config.project}-${stage}`;
      const stack = stacks[stackName];
      const at = placeOf(stack, config.region, config.project);
      const rows = (table: Readonly<Record<string, Row>>, entries: StackJson["resource"]) =>
        Object.entries(entries ?? {}).flatMap(([type, byName]) =>
          Object.entries(byName).map(([id, values]) => ({
            type,
            id,
            row: table[type],
            values: values as Record<string, any>,
          })),
        );
      const all = [...rows(DEPLOY_ACTIONS, stack.resource), ...rows(DATA_ACTIONS, stack.data as StackJson["resource"])];

      it(`${stackName}: every resource type has a row in the table`, () => {
        expect(all.filter((r) => !r.row).map((r) => r.type)).toEqual([]);
      });

      it(`${stackName}: allows every action each resource needs, on that resource`, async () => {
        const refused: string[] = [];
        expect(await decide(policy, { action: "sts:GetCallerIdentity", resource: "*" })).toBe("Allowed");
        for (const { type, id, row, values } of all) {
          if (!row) continue;
          for (const need of row.needs(resolved(values, at), at)) {
            const result = await decide(policy, need);
            if (result !== "Allowed") refused.push(`${type}.${id}: ${need.action} on ${need.resource} -> ${result}`);
          }
        }
        expect(refused).toEqual([]);
      });

      it(`${stackName}: lets the plan role make every read a refresh needs, and none of the writes`, async () => {
        const wrong: string[] = [];
        for (const { type, id, row, values } of all) {
          if (!row) continue;
          for (const need of row.needs(resolved(values, at), at)) {
            const read = READ.test(need.action);
            if (need.action === "sts:GetCallerIdentity") continue;
            const result = await decide(planPolicy, need);
            if ((result === "Allowed") !== read)
              wrong.push(`${type}.${id}: ${need.action} on ${need.resource} -> ${result}`);
          }
        }
        expect(wrong).toEqual([]);
      });

      it(`${stackName}: refuses the same actions on another project's resources`, async () => {
        const allowed: string[] = [];
        for (const { type, id, row, values } of all) {
          if (!row?.named) continue;
          for (const need of row.needs(resolved(values, at), at)) {
            if (!need.resource.includes(stackName)) continue;
            const other = { ...need, resource: foreign(need.resource, stackName) };
            if ((await decide(policy, other)) === "Allowed")
              allowed.push(`${type}.${id}: ${other.action} on ${other.resource}`);
          }
        }
        expect(allowed).toEqual([]);
      });
    }
  });
}

suite("the plan role's reach", () => {
  const config = loadConfig(join(ROOT, "examples", "team.json"));
  const scope = ciScope(config, "aws", ACCOUNT);
  const plan = policyDocument(planRoleStatements(scope, deployRoleStatements(scope))) as unknown as Record<
    string,
    unknown
  >;
  const apiKey = (project: string) => ({
    action: "apigateway:GET",
    resource: `arn:aws:apigateway:${config.region}::/apikeys/x9y8z7`,
    context: { "aws:ResourceTag/Project": project },
  });

  it("reads its own project's API keys and usage plan keys (the check can pass)", async () => {
    expect(await decide(plan, apiKey(config.project))).toBe("Allowed");
    const planKey = `arn:aws:apigateway:${config.region}::/usageplans/abc123/keys/x9y8z7`;
    expect(
      await decide(plan, {
        action: "apigateway:GET",
        resource: planKey,
        context: { "aws:ResourceTag/Project": config.project },
      }),
    ).toBe("Allowed");
  });

  it.each([
    [
      "another bucket's objects",
      { action: "s3:GetObject", resource: "arn:aws:s3:::payroll-exports/2026/december.csv" },
    ],
    [
      "the CI stack's state",
      {
        action: "s3:GetObject",
        resource: `arn:aws:s3:::${config.state!.bucket}/${config.state!.keyPrefix}/llm-api-ci/terraform.tfstate`,
      },
    ],
    ["another API's keys", apiKey("payments")],
    // The collections list every key of the account with its value (GET /apikeys?includeValues=true).
    [
      "every API key of the account",
      { action: "apigateway:GET", resource: `arn:aws:apigateway:${config.region}::/apikeys` },
    ],
    [
      "every usage plan of the account",
      { action: "apigateway:GET", resource: `arn:aws:apigateway:${config.region}::/usageplans` },
    ],
    [
      "another project's usage plan keys, with their values",
      {
        action: "apigateway:GET",
        resource: `arn:aws:apigateway:${config.region}::/usageplans/abc123/keys`,
        context: { "aws:ResourceTag/Project": "payments" },
      },
    ],
    [
      "an untagged usage plan's keys",
      { action: "apigateway:GET", resource: `arn:aws:apigateway:${config.region}::/usageplans/abc123/keys/x9y8z7` },
    ],
    [
      "another function's configuration",
      {
        action: "lambda:GetFunctionConfiguration",
        resource: `arn:aws:lambda:${config.region}:${ACCOUNT}:function:payments-prod`,
      },
    ],
    [
      "another function's code",
      { action: "lambda:GetFunction", resource: `arn:aws:lambda:${config.region}:${ACCOUNT}:function:payments-prod` },
    ],
    [
      "another model's environment",
      {
        action: "sagemaker:DescribeModel",
        resource: `arn:aws:sagemaker:${config.region}:${ACCOUNT}:model/payments-prod-fraud`,
      },
    ],
    [
      "another secret",
      {
        action: "secretsmanager:GetSecretValue",
        resource: `arn:aws:secretsmanager:${config.region}:${ACCOUNT}:secret:prod-db-AbCdEf`,
      },
    ],
    [
      "a stage role's policy, to write it",
      { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${ACCOUNT}:role/llm-api-dev-x` },
    ],
  ])("cannot read %s", async (_, need) => {
    expect(await decide(plan, need as Need)).toBe("ImplicitlyDenied");
  });
});

suite("the deploy role and other APIs of the account", () => {
  const config = loadConfig(join(ROOT, "examples", "team.json"));
  const policy = policyDocument(deployRoleStatements(ciScope(config, "aws", ACCOUNT))) as unknown as Record<
    string,
    unknown
  >;
  const api = (path: string) => `arn:aws:apigateway:${config.region}::${path}`;
  const tagged = (project: string) => ({ "aws:ResourceTag/Project": project });

  it("changes its own project's REST API, stages, keys and plans (the check can pass)", async () => {
    expect(
      await decide(policy, {
        action: "apigateway:PATCH",
        resource: api("/restapis/a1b2c3"),
        context: tagged(config.project),
      }),
    ).toBe("Allowed");
    expect(
      await decide(policy, {
        action: "apigateway:POST",
        resource: api("/restapis"),
        context: { "aws:RequestTag/Project": config.project },
      }),
    ).toBe("Allowed");
  });

  it.each([
    [
      "strip another team's authorizer (PUT its REST API)",
      { action: "apigateway:PUT", resource: api("/restapis/x9y8z7"), context: tagged("payments") },
    ],
    [
      "delete another team's stage",
      { action: "apigateway:DELETE", resource: api("/restapis/x9y8z7/stages/prod"), context: tagged("payments") },
    ],
    ["change an untagged REST API", { action: "apigateway:PATCH", resource: api("/restapis/x9y8z7") }],
    [
      "attach a key to another team's usage plan",
      { action: "apigateway:POST", resource: api("/usageplans/p1/keys"), context: tagged("payments") },
    ],
    [
      "change another team's API key",
      { action: "apigateway:PATCH", resource: api("/apikeys/k1"), context: tagged("payments") },
    ],
    [
      "create a REST API without the project's tag",
      { action: "apigateway:POST", resource: api("/restapis"), context: { "aws:RequestTag/Project": "payments" } },
    ],
    [
      "give another team's REST API this project's tag (a takeover)",
      {
        action: "apigateway:PUT",
        resource: api(`/tags/${encodeURIComponent(api("/restapis/x9y8z7"))}`),
        context: { "aws:TagKeys": ["Project"], "aws:RequestTag/Project": config.project },
      },
    ],
    [
      "remove the Project tag of a REST API",
      {
        action: "apigateway:DELETE",
        resource: api(`/tags/${encodeURIComponent(api("/restapis/a1b2c3"))}`),
        context: { "aws:TagKeys": ["Project"] },
      },
    ],
  ])("cannot %s", async (_, need) => {
    expect(await decide(policy, need as Need)).toBe("ImplicitlyDenied");
  });
});

suite("the deploy role and other scalable targets of the account", () => {
  const config = loadConfig(join(ROOT, "examples", "team.json"));
  const policy = policyDocument(deployRoleStatements(ciScope(config, "aws", ACCOUNT))) as unknown as Record<
    string,
    unknown
  >;
  const target = `arn:aws:application-autoscaling:${config.region}:${ACCOUNT}:scalable-target/0123456789abcdef`;
  const scaling = (action: string, context: Record<string, string>): Need => ({
    action: `application-autoscaling:${action}`,
    resource: target,
    context,
  });

  it("scales its own project's targets (the check can pass)", async () => {
    expect(await decide(policy, scaling("PutScalingPolicy", { "aws:ResourceTag/Project": config.project }))).toBe(
      "Allowed",
    );
    const register = {
      "aws:RequestTag/Project": config.project,
      "application-autoscaling:service-namespace": "sagemaker",
    };
    expect(await decide(policy, scaling("RegisterScalableTarget", register))).toBe("Allowed");
  });

  it.each([
    ["change another team's scaling policy", scaling("PutScalingPolicy", { "aws:ResourceTag/Project": "payments" })],
    [
      "deregister another team's target",
      scaling("DeregisterScalableTarget", { "aws:ResourceTag/Project": "payments" }),
    ],
    ["tag an untagged target as its own", scaling("TagResource", { "aws:RequestTag/Project": config.project })],
    [
      "re-register another team's target under its own tag",
      scaling("RegisterScalableTarget", {
        "aws:ResourceTag/Project": "payments",
        "aws:RequestTag/Project": config.project,
        "application-autoscaling:service-namespace": "sagemaker",
      }),
    ],
    [
      "register a target of another service (an ECS service's count)",
      scaling("RegisterScalableTarget", {
        "aws:RequestTag/Project": config.project,
        "application-autoscaling:service-namespace": "ecs",
      }),
    ],
  ])("cannot %s", async (_, need) => {
    expect(await decide(policy, need)).toBe("ImplicitlyDenied");
  });
});

suite("the deploy role's reach", () => {
  it("cannot touch the CI roles, the state stack's state or the account's API Gateway settings", async () => {
    const config = loadConfig(join(ROOT, "examples", "team.json"));
    const policy = policyDocument(deployRoleStatements(ciScope(config, "aws", ACCOUNT))) as unknown as Record<
      string,
      unknown
    >;
    const denied: Need[] = [
      { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${ACCOUNT}:role/llm-api-ci-deploy` },
      {
        action: "s3:PutObject",
        resource: `arn:aws:s3:::${config.state!.bucket}/${config.state!.keyPrefix}/llm-api-ci/terraform.tfstate`,
      },
      {
        action: "s3:GetObject",
        resource: `arn:aws:s3:::${config.state!.bucket}/${config.state!.keyPrefix}/llm-api-state/terraform.tfstate`,
      },
      { action: "apigateway:PATCH", resource: `arn:aws:apigateway:${config.region}::/account` },
      {
        action: "logs:DeleteLogGroup",
        resource: `arn:aws:logs:${config.region}:${ACCOUNT}:log-group:/aws/lambda/payments-prod`,
      },
    ];
    for (const need of denied)
      expect([need.action, need.resource, await decide(policy, need)]).toEqual([
        need.action,
        need.resource,
        "ImplicitlyDenied",
      ]);
    expect(
      await decide(policy, {
        action: "s3:PutObject",
        resource: `arn:aws:s3:::${config.state!.bucket}/${config.state!.keyPrefix}/llm-api-prod/terraform.tfstate`,
      }),
    ).toBe("Allowed");
  });
});

suite("a secret under a customer managed key (ci.secretKmsKeyArns)", () => {
  const base = loadConfig(join(ROOT, "examples", "team.json"));
  const key = `arn:aws:kms:${base.region}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const token = `arn:aws:secretsmanager:${base.region}:${ACCOUNT}:secret:hf-token-AbCdEf`;
  const models = base.models.map((m, i) =>
    i === 0 && m.source.kind === "huggingFace" ? { ...m, source: { ...m.source, tokenSecretArn: token } } : m,
  );
  const config = { ...base, models, ci: { ...base.ci!, secretKmsKeyArns: [key] } };
  const scope = ciScope(config, "aws", ACCOUNT);
  const deploy = policyDocument(deployRoleStatements(scope)) as unknown as Record<string, unknown>;
  const plan = policyDocument(planRoleStatements(scope, deployRoleStatements(scope))) as unknown as Record<
    string,
    unknown
  >;
  // KMS asks the key's policy too: AWS's default key policy, which lets the account's IAM policies decide.
  const keyPolicy = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
  const decrypt = (resource: string, service: string) => ({
    action: "kms:Decrypt",
    resource,
    context: { "kms:ViaService": service },
    resourcePolicy: keyPolicy,
  });
  const viaSecrets = `secretsmanager.${base.region}.amazonaws.com`;

  it("lets both roles decrypt with it through Secrets Manager, which reading the token at plan time needs", async () => {
    expect(scope.tokenSecretArns.length).toBeGreaterThan(0);
    expect(await decide(deploy, decrypt(key, viaSecrets))).toBe("Allowed");
    expect(await decide(plan, decrypt(key, viaSecrets))).toBe("Allowed");
  });

  it.each([
    ["directly, not through Secrets Manager", decrypt(key, `s3.${base.region}.amazonaws.com`)],
    [
      "with another key",
      decrypt(`arn:aws:kms:${base.region}:${ACCOUNT}:key/ffffffff-12ab-34cd-56ef-1234567890ab`, viaSecrets),
    ],
  ])("refuses to decrypt %s", async (_, need) => {
    expect(await decide(deploy, need as Need)).toBe("ImplicitlyDenied");
  });
});

suite("names that another project's split would match", () => {
  // Project "llm", stage "api": its name pattern llm-api-* also covers project "llm-api"'s resources.
  const base = loadConfig(join(ROOT, "examples", "team.json"));
  // Project llm's own config: team.json's model, with an alarm email and a consumer (a topic and a key table).
  const llm = parseConfig({
    ...JSON.parse(readFileSync(join(ROOT, "examples", "team.json"), "utf8")),
    project: "llm",
    stages: ["api"],
    alarms: { email: "ops@example.com" },
    api: { auth: "apiKey", consumers: [{ name: "search" }] },
  });
  const scope = ciScope(llm, "aws", ACCOUNT);
  const deploy = policyDocument(deployRoleStatements(scope)) as unknown as Record<string, unknown>;
  // Under llm's path, a role of llm's; under llm-api's path or IAM's default, a role llm did not make.
  const role = `arn:aws:iam::${ACCOUNT}:role/llm-api/llm/llm-api-v1-foo-exec`;
  const theirs = `arn:aws:iam::${ACCOUNT}:role/llm-api/llm-api/llm-api-v1-foo-exec`;
  const unpathed = `arn:aws:iam::${ACCOUNT}:role/llm-api-v1-foo-exec`;
  const tagged = (project: string) => ({ "aws:ResourceTag/Project": project });

  it("its own role (tagged Project llm) it may change, delete and pass (the check can pass)", async () => {
    for (const action of ["iam:UpdateRole", "iam:TagRole", "iam:DeleteRole"])
      expect([action, await decide(deploy, { action, resource: role, context: tagged("llm") })]).toEqual([
        action,
        "Allowed",
      ]);
    expect(
      await decide(deploy, {
        action: "iam:PassRole",
        resource: role,
        context: { ...tagged("llm"), "iam:PassedToService": "lambda.amazonaws.com" },
      }),
    ).toBe("Allowed");
  });

  it("project llm-api's role of the same name it may not change, delete or pass to its own functions", async () => {
    for (const action of ["iam:UpdateRole", "iam:TagRole", "iam:UntagRole", "iam:DeleteRole"])
      expect([action, await decide(deploy, { action, resource: role, context: tagged("llm-api") })]).toEqual([
        action,
        "ImplicitlyDenied",
      ]);
    expect(
      await decide(deploy, {
        action: "iam:PassRole",
        resource: role,
        context: { ...tagged("llm-api"), "iam:PassedToService": "lambda.amazonaws.com" },
      }),
    ).toBe("ImplicitlyDenied");
    // Nor re-tag it as its own: tags as at creation go only on a role that has no Project tag yet.
    expect(
      await decide(deploy, {
        action: "iam:TagRole",
        resource: role,
        context: { ...tagged("llm-api"), "aws:RequestTag/Project": "llm" },
      }),
    ).toBe("ImplicitlyDenied");
    expect(
      await decide(deploy, { action: "iam:TagRole", resource: role, context: { "aws:RequestTag/Project": "llm" } }),
    ).toBe("Allowed");
    // The project's own roles from before the path (IAM's default "/", tagged llm) it may delete on the
    // apply that moves them, and do nothing else with; another project's, not even that.
    const retire = (project: string) => ({ action: "iam:DeleteRole", resource: unpathed, context: tagged(project) });
    expect([await decide(deploy, retire("llm")), await decide(deploy, retire("llm-api"))]).toEqual([
      "Allowed",
      "ImplicitlyDenied",
    ]);
    // A role made elsewhere (another project's path, or IAM's default) is beyond reach whatever its
    // name and tags: no tag taken over, no policy written, nothing passed.
    for (const other of [theirs, unpathed]) {
      const untaggedTag = { action: "iam:TagRole", resource: other, context: { "aws:RequestTag/Project": "llm" } };
      const write = {
        action: "iam:PutRolePolicy",
        resource: other,
        context: { "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/llm-stage-boundary`, ...tagged("llm") },
      };
      const pass = {
        action: "iam:PassRole",
        resource: other,
        context: { ...tagged("llm"), "iam:PassedToService": "lambda.amazonaws.com" },
      };
      for (const need of [untaggedTag, write, pass])
        expect([other, need.action, await decide(deploy, need)]).toEqual([other, need.action, "ImplicitlyDenied"]);
    }
    // Its policies it may not write either: the role carries llm-api's boundary, not llm's.
    const boundary = { "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/llm-api-stage-boundary` };
    expect(await decide(deploy, { action: "iam:PutRolePolicy", resource: role, context: boundary })).toBe(
      "ImplicitlyDenied",
    );
    // Nor swap its boundary for llm's own, and then write it: a role tagged llm-api is not llm's to change.
    const own = { "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/llm-stage-boundary` };
    for (const action of ["iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:DeleteRolePolicy"]) {
      expect([
        action,
        await decide(deploy, { action, resource: role, context: { ...own, ...tagged("llm-api") } }),
      ]).toEqual([action, "ImplicitlyDenied"]);
      expect([action, await decide(deploy, { action, resource: role, context: { ...own, ...tagged("llm") } })]).toEqual(
        [action, "Allowed"],
      );
    }
  });

  it("project llm-api's function of the same name it may not read, update or delete, nor create one tagged as another project's", async () => {
    const fn = `arn:aws:lambda:${base.region}:${ACCOUNT}:function:llm-api-v1-chat`;
    for (const action of [
      "lambda:GetFunctionConfiguration",
      "lambda:UpdateFunctionCode",
      "lambda:DeleteFunction",
      "lambda:AddPermission",
    ]) {
      const gateway: Record<string, string> =
        action === "lambda:AddPermission" ? { "lambda:Principal": "apigateway.amazonaws.com" } : {};
      expect([
        action,
        await decide(deploy, { action, resource: fn, context: { ...tagged("llm-api"), ...gateway } }),
      ]).toEqual([action, "ImplicitlyDenied"]);
      expect([
        action,
        await decide(deploy, { action, resource: fn, context: { ...tagged("llm"), ...gateway } }),
      ]).toEqual([action, "Allowed"]);
    }
    // Its own function it may open to API Gateway only, never to everyone or another account.
    for (const principal of ["*", "123456789012", "lambda.amazonaws.com"])
      expect([
        principal,
        await decide(deploy, {
          action: "lambda:AddPermission",
          resource: fn,
          context: { ...tagged("llm"), "lambda:Principal": principal },
        }),
      ]).toEqual([principal, "ImplicitlyDenied"]);
    const create = (name: string, project: string) => ({
      action: "lambda:CreateFunction",
      resource: `arn:aws:lambda:${base.region}:${ACCOUNT}:function:${name}`,
      context: { "aws:RequestTag/Project": project },
    });
    const retag = {
      action: "lambda:TagResource",
      resource: fn,
      context: { ...tagged("llm-api"), "aws:RequestTag/Project": "llm" },
    };
    expect(await decide(deploy, retag)).toBe("ImplicitlyDenied");
    // It creates its own functions by their names, tagged as its own; not llm-api's, though its pattern covers them.
    const creates = [
      create("llm-api-chat", "llm"),
      create("llm-api-chat", "llm-api"),
      create("llm-api-v1-chat", "llm"),
    ];
    expect(await Promise.all(creates.map((c) => decide(deploy, c)))).toEqual([
      "Allowed",
      "ImplicitlyDenied",
      "ImplicitlyDenied",
    ]);
  });

  it("takes over no untagged resource its name pattern matches: each chain is denied at its first step, the tag", async () => {
    // An untagged resource another product made under llm-*, against llm's own of the kind, both untagged
    // (as at their creation): only the names llm's stages create may be tagged as llm's.
    const at = (service: string, resource: string) => `arn:aws:${service}:${base.region}:${ACCOUNT}:${resource}`;
    const chains: [string, string, string][] = [
      // Tag a function, then replace its code and open it to everyone (it runs under its own role, outside the boundary).
      ["lambda:TagResource", at("lambda", "function:llm-api-cron"), at("lambda", "function:llm-api-chat")],
      // Tag a secret, then read it.
      [
        "secretsmanager:TagResource",
        at("secretsmanager", "secret:llm-api-db-password-AbCdEf"),
        at("secretsmanager", "secret:llm-api-consumer-keys-AbCdEf"),
      ],
      // Tag an endpoint, then delete it.
      ["sagemaker:AddTags", at("sagemaker", "endpoint/llm-api-legacy"), at("sagemaker", "endpoint/llm-api-mistral-7b")],
      // Tag a topic, then subscribe to it or delete it.
      ["sns:TagResource", at("sns", "llm-api-events"), at("sns", "llm-api-alarms")],
      // Tag a log group, then delete it (and its evidence).
      [
        "logs:TagResource",
        at("logs", "log-group:/aws/lambda/llm-api-cron"),
        at("logs", "log-group:/aws/lambda/llm-api-chat"),
      ],
      [
        "cloudwatch:TagResource",
        at("cloudwatch", "alarm:llm-api-cron-errors"),
        at("cloudwatch", "alarm:llm-api-chat-errors"),
      ],
    ];
    const tag = (action: string, resource: string) =>
      decide(deploy, { action, resource, context: { "aws:RequestTag/Project": "llm" } });
    for (const [action, foreign, own] of chains)
      expect([action, await tag(action, foreign), await tag(action, own)]).toEqual([
        action,
        "ImplicitlyDenied",
        "Allowed",
      ]);
    // A role made outside the project's path: neither tagged nor passed, whatever its name.
    const unbounded = `arn:aws:iam::${ACCOUNT}:role/llm-api-cron-role`;
    expect(await tag("iam:TagRole", unbounded)).toBe("ImplicitlyDenied");
    const pass = {
      action: "iam:PassRole",
      resource: unbounded,
      context: { ...tagged("llm"), "iam:PassedToService": "lambda.amazonaws.com" },
    };
    expect(await decide(deploy, pass)).toBe("ImplicitlyDenied");
  });

  it("project llm-api's key table of the same name it may not read, write or delete", async () => {
    // With consumers: only then are there key tables.
    const deploy = policyDocument(deployRoleStatements({ ...scope, keyTables: true })) as unknown as Record<
      string,
      unknown
    >;
    const secret = `arn:aws:secretsmanager:${base.region}:${ACCOUNT}:secret:llm-api-v1-consumer-keys-AbCdEf`;
    for (const action of [
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:DeleteSecret",
      "secretsmanager:UntagResource",
    ]) {
      expect([action, await decide(deploy, { action, resource: secret, context: tagged("llm-api") })]).toEqual([
        action,
        "ImplicitlyDenied",
      ]);
      expect([action, await decide(deploy, { action, resource: secret, context: tagged("llm") })]).toEqual([
        action,
        "Allowed",
      ]);
    }
    const retag = {
      action: "secretsmanager:TagResource",
      resource: secret,
      context: { ...tagged("llm-api"), "aws:RequestTag/Project": "llm" },
    };
    expect(await decide(deploy, retag)).toBe("ImplicitlyDenied");
  });

  it("project llm-api's log group, alarm, alarm topic and dashboard of the same name it may not change or delete, nor re-tag", async () => {
    // [theirs, the actions, the tagging action, llm's own of the kind]
    const cases: [string, string[], string, string][] = [
      [
        `arn:aws:logs:${base.region}:${ACCOUNT}:log-group:/aws/lambda/llm-api-v1-chat`,
        ["logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:UntagResource"],
        "logs:TagResource",
        `arn:aws:logs:${base.region}:${ACCOUNT}:log-group:/aws/lambda/llm-api-chat`,
      ],
      [
        `arn:aws:cloudwatch:${base.region}:${ACCOUNT}:alarm:llm-api-v1-chat-5xx`,
        ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
        "cloudwatch:TagResource",
        `arn:aws:cloudwatch:${base.region}:${ACCOUNT}:alarm:llm-api-chat-errors`,
      ],
      [
        `arn:aws:sns:${base.region}:${ACCOUNT}:llm-api-v1-alarms`,
        ["sns:SetTopicAttributes", "sns:Subscribe", "sns:DeleteTopic"],
        "sns:TagResource",
        `arn:aws:sns:${base.region}:${ACCOUNT}:llm-api-alarms`,
      ],
    ];
    for (const [resource, actions, tag, own] of cases) {
      for (const action of actions) {
        expect([action, await decide(deploy, { action, resource, context: tagged("llm-api") })]).toEqual([
          action,
          "ImplicitlyDenied",
        ]);
        expect([action, await decide(deploy, { action, resource, context: tagged("llm") })]).toEqual([
          action,
          "Allowed",
        ]);
      }
      const retag = { action: tag, resource, context: { ...tagged("llm-api"), "aws:RequestTag/Project": "llm" } };
      expect([tag, await decide(deploy, retag)]).toEqual([tag, "ImplicitlyDenied"]);
      const create = (at: string, project: string) => ({
        action: tag,
        resource: at,
        context: { "aws:RequestTag/Project": project },
      });
      const creates = [create(own, "llm"), create(own, "llm-api"), create(resource, "llm")];
      expect([tag, ...(await Promise.all(creates.map((c) => decide(deploy, c))))]).toEqual([
        tag,
        "Allowed",
        "ImplicitlyDenied",
        "ImplicitlyDenied",
      ]);
    }
    // Dashboards carry no tags: each stage's own is named exactly, so project llm-api's stays out of reach.
    const dashboard = (name: string) => ({
      action: "cloudwatch:PutDashboard",
      resource: `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${name}`,
    });
    expect([await decide(deploy, dashboard("llm-api")), await decide(deploy, dashboard("llm-api-v1"))]).toEqual([
      "Allowed",
      "ImplicitlyDenied",
    ]);
  });

  it("project llm-api's endpoint, endpoint config and model of the same name it may not read, update or delete, nor re-tag", async () => {
    const sagemaker = `arn:aws:sagemaker:${base.region}:${ACCOUNT}`;
    const cases: [string, string[]][] = [
      [
        `${sagemaker}:endpoint/llm-api-v1-chat`,
        [
          "sagemaker:DescribeEndpoint",
          "sagemaker:UpdateEndpoint",
          "sagemaker:DeleteEndpoint",
          "sagemaker:UpdateEndpointWeightsAndCapacities",
        ],
      ],
      [
        `${sagemaker}:endpoint-config/llm-api-v1-chat-1`,
        ["sagemaker:DescribeEndpointConfig", "sagemaker:DeleteEndpointConfig", "sagemaker:UpdateEndpoint"],
      ],
      // A model's description holds its container's environment (a Hugging Face token among it).
      [`${sagemaker}:model/llm-api-v1-chat-0123abcd`, ["sagemaker:DescribeModel", "sagemaker:DeleteModel"]],
    ];
    for (const [resource, actions] of cases)
      for (const action of actions) {
        expect([action, await decide(deploy, { action, resource, context: tagged("llm-api") })]).toEqual([
          action,
          "ImplicitlyDenied",
        ]);
        expect([action, await decide(deploy, { action, resource, context: tagged("llm") })]).toEqual([
          action,
          "Allowed",
        ]);
      }
    const endpoint = cases[0][0];
    const retag = {
      action: "sagemaker:AddTags",
      resource: endpoint,
      context: { ...tagged("llm-api"), "aws:RequestTag/Project": "llm" },
    };
    expect(await decide(deploy, retag)).toBe("ImplicitlyDenied");
    const create = (at: string, project: string) => ({
      action: "sagemaker:CreateEndpoint",
      resource: at,
      context: { "aws:RequestTag/Project": project },
    });
    const own = `${sagemaker}:endpoint/llm-api-mistral-7b`;
    const creates = [create(own, "llm"), create(own, "llm-api"), create(endpoint, "llm")];
    expect(await Promise.all(creates.map((c) => decide(deploy, c)))).toEqual([
      "Allowed",
      "ImplicitlyDenied",
      "ImplicitlyDenied",
    ]);
  });
});
