import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";

/** The account a stack deploys to: one sts:GetCallerIdentity per stack, however many constructs ask. */
export function stackAccount(scope: Construct): string {
  const stack = TerraformStack.of(scope);
  const found = stack.node.tryFindChild("caller");
  return (found instanceof DataAwsCallerIdentity ? found : new DataAwsCallerIdentity(stack, "caller")).accountId;
}
