import { stagesOf, type Config } from "../config/schema";
import { boundaryProblems } from "./boundary";
import { environmentProblems } from "./function-environment";
import { endpointArn, invokeEndpointStatements, logWriteStatements, policyDocument, tracingStatements } from "./iam-policies";
import { resolve, type Deployment } from "./resolve";

/** IAM's limit on a role's inline policies together: 10,240 characters, white space not counted, not raisable. */
export const ROLE_INLINE_POLICY_MAX_CHARS = 10240;

/** Each function role's policy as it will be at apply (a 12-digit account; its log group by name). */
function policyProblems(deployment: Deployment): string[] {
  const { config } = deployment;
  return deployment.functions.flatMap((fn) => {
    const arns = fn.endpoints.map((e) => endpointArn("aws", config.region, "123456789012", e.route.endpoint));
    const logGroup = `arn:aws:logs:${config.region}:123456789012:log-group:/aws/lambda/${fn.functionName}`;
    const document = policyDocument([
      ...(arns.length ? invokeEndpointStatements(arns) : []),
      ...logWriteStatements(logGroup),
      ...(fn.tracing ? tracingStatements() : []),
      ...(fn.extraStatements ?? []),
    ]);
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
  const perStage = stagesOf(config).flatMap((stage) => {
    const deployment = resolve(config, stage);
    return [...environmentProblems(deployment), ...policyProblems(deployment)];
  });
  return [...boundaryProblems(config), ...new Set(perStage)];
}
