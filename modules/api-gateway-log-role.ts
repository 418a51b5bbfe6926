import { Construct } from "constructs";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { assumeRolePolicy } from "./iam-policies";

export interface ApiGatewayLogRoleProps {
  readonly rolePrefix: string;
  readonly partition: string;
}

/**
 * The account-wide role API Gateway uses to write access logs. It is one
 * setting per account and region, so a config can leave it to another stack.
 */
export class ApiGatewayLogRole extends Construct {
  readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: ApiGatewayLogRoleProps) {
    super(scope, id);
    const role = new IamRole(this, "role", {
      namePrefix: props.rolePrefix,
      description: "API Gateway writes access logs to CloudWatch",
      assumeRolePolicy: assumeRolePolicy("apigateway.amazonaws.com"),
    });
    const attachment = new IamRolePolicyAttachment(this, "push-to-cloudwatch", {
      role: role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
    });
    this.account = new ApiGatewayAccount(this, "account", { cloudwatchRoleArn: role.arn, dependsOn: [attachment] });
  }
}
