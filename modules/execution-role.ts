import type { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { assumeRolePolicy, policyDocument } from "../deployment/iam/iam-policies";
import { sagemakerExecutionStatements, type ExecutionRoleInputs } from "../deployment/iam/execution-policies";
import { stackAccount } from "./stack-account";

export interface ExecutionRoleProps extends Omit<ExecutionRoleInputs, "account"> {
  readonly rolePrefix: string;
  /** IAM path: a new one replaces the role. */
  readonly rolePath: string;
  readonly description: string;
  /** Name prefix of the role's inline policy. */
  readonly policyPrefix: string;
}

/**
 * A SageMaker execution role and its policy, created in `scope` itself (a function, not a construct,
 * so both keep the addresses they have): trusted by SageMaker for this account only, allowed what
 * sagemakerExecutionStatements gives it.
 */
export function defineExecutionRole(
  scope: Construct,
  props: ExecutionRoleProps,
): { readonly role: IamRole; readonly policy: IamRolePolicy } {
  const { rolePrefix, rolePath, description, policyPrefix, ...inputs } = props;
  const role = new IamRole(scope, "execution-role", {
    namePrefix: rolePrefix,
    // IAM's default path is left unwritten, so the Terraform of roles on it stays as it was.
    ...(rolePath === "/" ? {} : { path: rolePath }),
    description,
    assumeRolePolicy: assumeRolePolicy("sagemaker.amazonaws.com", { ...inputs, account: stackAccount(scope) }),
  });
  const policy = new IamRolePolicy(scope, "execution-policy", {
    role: role.id,
    namePrefix: policyPrefix,
    policy: JSON.stringify(policyDocument(sagemakerExecutionStatements({ ...inputs, account: stackAccount(scope) }))),
  });
  return { role, policy };
}
