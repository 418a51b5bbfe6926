import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { assumeRolePolicy } from "../deployment/iam/iam-policies";
import { stackAccount } from "./stack-account";

export interface ApiGatewayLogRoleProps {
  readonly rolePrefix: string;
  readonly partition: string;
  /** The API's region. */
  readonly region: string;
  /** Provider of the API's region, when it is not the stack's default. @default - the stack's provider */
  readonly provider?: TerraformProvider;
}

/**
 * The account-wide role API Gateway uses to write access logs. It is one
 * setting per account and region: the state stack, deployed once per account,
 * holds it, and a config can leave it to another stack.
 */
export class ApiGatewayLogRole extends Construct {
  readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: ApiGatewayLogRoleProps) {
    super(scope, id);
    const role = new IamRole(this, "role", {
      namePrefix: props.rolePrefix,
      description: "API Gateway writes access logs to CloudWatch",
      assumeRolePolicy: assumeRolePolicy("apigateway.amazonaws.com", { ...props, account: stackAccount(this) }),
      provider: props.provider,
    });
    const attachment = new IamRolePolicyAttachment(this, "push-to-cloudwatch", {
      role: role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
      provider: props.provider,
    });
    this.account = new ApiGatewayAccount(this, "account", {
      cloudwatchRoleArn: role.arn,
      dependsOn: [attachment],
      provider: props.provider,
    });
  }
}
