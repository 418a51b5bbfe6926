import type { Config } from "../../config/schema";
import { boundaryArn, boundaryProblems } from "../iam/boundary";
import { ciScope } from "../iam/ci-policies";
import { ciRolePages } from "../iam/ci-role-pages";
import { MANAGED_POLICIES_PER_ROLE, ROLE_INLINE_POLICY_MAX_CHARS } from "../../reference/aws-limits";
import { environmentProblems } from "../lambda/function-environment";
import { invokerPolicyStatements, policyDocument } from "../iam/iam-policies";
import { resolveStages, type Deployment } from "../resolve";
import { placeholderDocument } from "../openapi/placeholder-document";

/** Each function role's policy as it will be at apply (a 12-digit account; its log group by name). */
function policyProblems(deployment: Deployment): string[] {
  const { region } = deployment;
  return deployment.functions.flatMap((fn) => {
    const logGroupArn = `arn:aws:logs:${region}:123456789012:log-group:/aws/lambda/${fn.functionName}`;
    const document = policyDocument(
      invokerPolicyStatements(fn, { partition: "aws", region, account: "123456789012", logGroupArn }),
    );
    const size = JSON.stringify(document).length;
    return size > ROLE_INLINE_POLICY_MAX_CHARS
      ? [
          `models: the policy of the function ${fn.functionName}'s role would be ${size} characters (one ARN per endpoint it may call); IAM allows ${ROLE_INLINE_POLICY_MAX_CHARS} (not raisable). Fix: fewer models per stage, or split them into more configs`,
        ]
      : [];
  });
}

/**
 * What AWS would refuse only at apply and cannot raise, found before any Terraform is written:
 * the stage boundary's size, each function's environment and each function role's policy.
 */
export function deploymentProblems(config: Config): string[] {
  const perStage = resolveStages(config).flatMap((deployment) => [
    ...environmentProblems(deployment),
    ...policyProblems(deployment),
  ]);
  return [...boundaryProblems(config), ...ciRoleProblems(config), ...new Set(perStage)];
}

/**
 * The CI roles' managed policies as the CI stack writes them, against IAM's 10 per role: every stage
 * adds the names of its functions, log groups, alarms and key table.
 */
export function ciRoleProblems(config: Config): string[] {
  if (!config.ci) return [];
  const account = "123456789012";
  const scope = { ...ciScope(config, "aws", account), boundaryArn: boundaryArn("aws", account, config.project) };
  return Object.entries(ciRolePages(scope)).flatMap(([role, pages]) =>
    pages.length > MANAGED_POLICIES_PER_ROLE
      ? [
          `ci: the ${role} role would need ${pages.length} managed policies of 6,144 characters for ${scope.stages.length} stage(s); IAM attaches ${MANAGED_POLICIES_PER_ROLE} to a role by default. Fix: fewer stages per config (a project per group of stages)`,
        ]
      : [],
  );
}

/** API Gateway's default quotas that AWS raises on request (Service Quotas, Amazon API Gateway). */
export const API_RESOURCES_PER_API = 300;
export const USAGE_PLANS_PER_REGION = 300;

/** Resources of the REST API the stage imports: one per path segment, and the root. */
export function apiResourceCount(deployment: Deployment): number {
  const paths = Object.keys((placeholderDocument(deployment, "check") as { paths: Record<string, unknown> }).paths);
  const resources = new Set(
    paths.flatMap((path) =>
      path
        .split("/")
        .slice(1)
        .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
    ),
  );
  return resources.size + 1;
}

/** Quotas the stack could pass that AWS raises on request: said at synth, with the quota's name. */
export function deploymentWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const stages = resolveStages(config);
  const resources = apiResourceCount(stages[0]);
  if (resources > API_RESOURCES_PER_API)
    warnings.push(
      `models: each stage's REST API would have ${resources} resources (three per model); API Gateway allows ${API_RESOURCES_PER_API} by default. ` +
        `Ask for more with the quota "Resources per API" (Service Quotas, Amazon API Gateway) before deploying, or split the models into more configs.`,
    );
  const plans = stages.reduce((n, d) => n + (d.consumers?.length ?? 1), 0);
  if (plans > USAGE_PLANS_PER_REGION)
    warnings.push(
      `api.consumers: the stages create ${plans} usage plans in ${config.region}; API Gateway allows ${USAGE_PLANS_PER_REGION} per account and region by default, ` +
        `other APIs' included. Ask for more with the quota "Usage plans per account" (Service Quotas, Amazon API Gateway) before deploying.`,
    );
  return warnings;
}
