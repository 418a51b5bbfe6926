import { join } from "node:path";
import { parseTemplateJson, resources, ROOT, synth, type StackJson } from "../helpers/synth";
import { simulatorOrSkip, type Simulation } from "../helpers/iam-simulator";

/**
 * The synthesised policies, with Terraform's references filled in as they
 * would be after apply, evaluated by an IAM policy simulator.
 */
const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const simulator = simulatorOrSkip();
const runSimulation = (simulation: Simulation, options: object) => simulator!(simulation, options);
const suite = simulator ? describe : describe.skip;
// Without the simulator nothing is synthesised either: the skipped suite costs nothing.
const stacks: Record<string, StackJson> = simulator ? synth(join(ROOT, "examples", "multi-model.json")).stacks : {};
const api = stacks["llm-api-prod"];

/** What each Terraform reference in a policy becomes once the stack exists. */
function resolve(stack: StackJson, text: string): string {
  const named = (type: string, name: string) => stack.resource![type][name] as Record<string, string>;
  return text
    .replace(/\$\{data\.aws_partition\.[^}]+\.partition\}/g, "aws")
    .replace(/\$\{data\.aws_caller_identity\.caller\.account_id\}/g, ACCOUNT)
    .replace(
      /\$\{aws_sagemaker_endpoint\.([^.]+)\.arn\}/g,
      (_, n) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${named("aws_sagemaker_endpoint", n).name}`,
    )
    .replace(
      /\$\{aws_cloudwatch_log_group\.([^.]+)\.arn\}/g,
      (_, n) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${named("aws_cloudwatch_log_group", n).name}`,
    )
    .replace(
      /\$\{aws_api_gateway_rest_api\.[^.]+\.execution_arn\}/g,
      `arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123`,
    );
}

/** The inline policy of the role whose description matches. */
function policyOf(stack: StackJson, roleDescription: RegExp): Record<string, unknown> {
  const role = resources(stack, "aws_iam_role").find((r) => roleDescription.test(r.values.description))!;
  const policy = resources(stack, "aws_iam_role_policy").find(
    (p) => p.values.role === `\${aws_iam_role.${role.name}.id}`,
  )!;
  // Resolved in the raw template: once filled in, it is plain JSON.
  return JSON.parse(resolve(stack, policy.values.policy));
}

async function decide(
  policy: Record<string, unknown>,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<string> {
  const simulation: Simulation = {
    identityPolicies: [{ name: "inline", policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action,
      principal: `arn:aws:iam::${ACCOUNT}:role/tested`,
      resource: { accountId: ACCOUNT, resource },
      contextVariables: context,
    },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const endpoint = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}`;

suite("IAM, by simulation", () => {
  it("lets a model's invoker invoke exactly its endpoint, buffered and streaming, and nothing else", async () => {
    const invoker = policyOf(api, /^Invoker for llama-8b$/);
    expect(await decide(invoker, "sagemaker:InvokeEndpoint", endpoint("llm-api-prod-llama-8b"))).toBe("Allowed");
    expect(await decide(invoker, "sagemaker:InvokeEndpointWithResponseStream", endpoint("llm-api-prod-llama-8b"))).toBe(
      "Allowed",
    );
    expect(await decide(invoker, "sagemaker:InvokeEndpoint", endpoint("llm-api-prod-qwen-small"))).toBe(
      "ImplicitlyDenied",
    );
    expect(await decide(invoker, "sagemaker:InvokeEndpoint", endpoint("someone-elses-endpoint"))).toBe(
      "ImplicitlyDenied",
    );
    expect(await decide(invoker, "sagemaker:CreateEndpoint", endpoint("llm-api-prod-llama-8b"))).toBe(
      "ImplicitlyDenied",
    );
    expect(await decide(invoker, "sagemaker:DeleteEndpoint", endpoint("llm-api-prod-llama-8b"))).toBe(
      "ImplicitlyDenied",
    );
  });

  it("lets the adopted endpoint's invoker invoke only that endpoint, by its exact ARN", async () => {
    const invoker = policyOf(api, /^Invoker for legacy-falcon$/);
    expect(await decide(invoker, "sagemaker:InvokeEndpoint", endpoint("falcon-7b-instruct-prod"))).toBe("Allowed");
    expect(await decide(invoker, "sagemaker:InvokeEndpoint", endpoint("llm-api-prod-llama-8b"))).toBe(
      "ImplicitlyDenied",
    );
  });

  it("lets the chat function invoke the served endpoints only", async () => {
    const chat = policyOf(api, /^Invoker for llama-8b, qwen-small, legacy-falcon$/);
    for (const name of ["llm-api-prod-llama-8b", "llm-api-prod-qwen-small", "falcon-7b-instruct-prod"])
      expect(await decide(chat, "sagemaker:InvokeEndpoint", endpoint(name))).toBe("Allowed");
    expect(await decide(chat, "sagemaker:InvokeEndpoint", endpoint("other"))).toBe("ImplicitlyDenied");
  });

  it("lets the SageMaker execution role pull its image and write its logs, but not invoke endpoints", async () => {
    const exec = policyOf(api, /^SageMaker execution role for llm-api-prod-llama-8b$/);
    expect(await decide(exec, "sagemaker:InvokeEndpoint", endpoint("llm-api-prod-llama-8b"))).toBe("ImplicitlyDenied");
    expect(
      await decide(
        exec,
        "ecr:BatchGetImage",
        `arn:aws:ecr:${REGION}:763104351884:repository/huggingface-pytorch-tgi-inference`,
      ),
    ).toBe("Allowed");
    expect(await decide(exec, "ecr:BatchGetImage", `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/other`)).toBe(
      "ImplicitlyDenied",
    );
    expect(
      await decide(
        exec,
        "logs:PutLogEvents",
        `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/llm-api-prod-llama-8b:log-stream:x`,
      ),
    ).toBe("Allowed");
    expect(
      await decide(
        exec,
        "logs:PutLogEvents",
        `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/other:log-stream:x`,
      ),
    ).toBe("ImplicitlyDenied");
    expect(
      await decide(exec, "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" }),
    ).toBe("Allowed");
    expect(await decide(exec, "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "Billing" })).toBe(
      "ImplicitlyDenied",
    );
  });

  it("lets only this API's routes invoke each function (the Lambda permission, as a resource policy)", async () => {
    const permissions = resources(api, "aws_lambda_permission").map((p) => p.values);
    const invokeLlama = permissions.find((p) => /\/POST\/llama-8b\/invoke$/.test(p.source_arn))!;
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: invokeLlama.principal },
          Action: invokeLlama.action,
          Resource: "*",
          Condition: { ArnLike: { "AWS:SourceArn": resolve(api, invokeLlama.source_arn) } },
        },
      ],
    };
    const call = async (sourceArn: string) => {
      const result = await runSimulation(
        {
          identityPolicies: [],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: policy,
          request: {
            action: "lambda:InvokeFunction",
            principal: "apigateway.amazonaws.com",
            resource: {
              accountId: ACCOUNT,
              resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:llm-api-prod-llama-8b-invoke`,
            },
            contextVariables: { "aws:SourceArn": sourceArn },
          },
        },
        {},
      );
      if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
      return result.overallResult;
    };
    expect(await call(`arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/prod/POST/llama-8b/invoke`)).toBe("Allowed");
    expect(await call(`arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/prod/POST/qwen-small/invoke`)).toBe(
      "ImplicitlyDenied",
    );
    expect(await call(`arn:aws:execute-api:${REGION}:${ACCOUNT}:otherapi/prod/POST/llama-8b/invoke`)).toBe(
      "ImplicitlyDenied",
    );
  });

  it("lets the functions keep budgets in their stage table's budget items only, and nothing else of it", async () => {
    const central = synth(join(ROOT, "examples", "central-api.json")).stacks["central-ml-prod"];
    // This example is in us-east-1.
    const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/central-ml-prod-state`;
    const keys = (...k: string[]) => ({ "dynamodb:LeadingKeys": k });
    for (const role of [/^Invoker for llama-8b, open-llama/, /^Invoker for llama-8b$/]) {
      const fn = policyOf(central, role);
      for (const action of ["dynamodb:UpdateItem", "dynamodb:GetItem"])
        expect(await decide(fn, action, table, keys("budget#search-team"))).toBe("Allowed");
      // Another partition of the table (the held-request counts), another project's table, or another action.
      expect(await decide(fn, "dynamodb:UpdateItem", table, keys("hold"))).toBe("ImplicitlyDenied");
      expect(await decide(fn, "dynamodb:UpdateItem", table, keys("budget#search-team", "hold"))).toBe(
        "ImplicitlyDenied",
      );
      expect(
        await decide(
          fn,
          "dynamodb:UpdateItem",
          `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other-prod-state`,
          keys("budget#x"),
        ),
      ).toBe("ImplicitlyDenied");
      for (const action of [
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:Scan",
        "dynamodb:Query",
        "dynamodb:DeleteTable",
      ])
        expect(await decide(fn, action, table, keys("budget#search-team"))).toBe("ImplicitlyDenied");
    }
    // A model no consumer with a budget may call keeps none.
    const marketplace = JSON.stringify(policyOf(central, /^Invoker for marketplace-llm$/));
    expect(marketplace).not.toContain("dynamodb");
  });

  it('uses Resource "*" only where AWS offers no resource-level permission, each listed and justified', () => {
    // Justification per statement id: the action has no resource-level permissions.
    const allowed: Record<string, string> = {
      EcrLogin: "ecr:GetAuthorizationToken is account-wide",
      PublishEndpointMetrics: "cloudwatch:PutMetricData has no resources; scoped by the namespace condition",
      WriteTraces: "X-Ray PutTraceSegments/PutTelemetryRecords have no resources",
      WhoAmI: "sts:GetCallerIdentity has no resources",
      ReadScaling: "Application Auto Scaling Describe* have no resources",
      ListLogGroups: "logs:DescribeLogGroups has no resources",
      // The plan role's copies of the deploy role's reads.
      PlanWhoAmI: "sts:GetCallerIdentity has no resources",
      PlanReadScaling: "Application Auto Scaling Describe* have no resources",
      PlanListLogGroups: "logs:DescribeLogGroups has no resources",
      // The stage boundary: a ceiling over the roles' own statements above.
      PublishMetrics:
        "cloudwatch:PutMetricData has no resources (the roles' own statements carry the namespace condition)",
    };
    const found = new Set<string>();
    for (const stack of [
      ...Object.values(stacks),
      ...Object.values(synth(join(ROOT, "examples", "team.json")).stacks),
    ]) {
      for (const p of [
        ...resources(stack, "aws_iam_role_policy"),
        ...resources(stack, "aws_s3_bucket_policy"),
        ...resources(stack, "aws_iam_policy"),
      ]) {
        for (const s of parseTemplateJson(p.values.policy).Statement as {
          Sid: string;
          Effect: string;
          Action: string | string[];
          Resource: string | string[];
        }[]) {
          expect([s.Sid, [s.Action].flat()]).not.toEqual([s.Sid, ["*"]]);
          if ([s.Resource].flat().includes("*")) found.add(s.Sid);
        }
      }
    }
    expect([...found].sort()).toEqual(Object.keys(allowed).sort());
  });
});
