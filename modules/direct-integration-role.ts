import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { assumeRolePolicy, endpointArn, policyDocument } from "../deployment/iam/iam-policies";
import { stackAccount } from "./stack-account";

export interface DirectIntegrationRoleProps {
  readonly rolePrefix: string;
  /** IAM path of the role. */
  readonly rolePath: string;
  readonly partition: string;
  readonly region: string;
  /** The one endpoint API Gateway may invoke with this role. */
  readonly endpointName: string;
  readonly model: string;
}

/** The credentials of a direct integration: API Gateway may call InvokeEndpoint on one endpoint, nothing else. */
export class DirectIntegrationRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: DirectIntegrationRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      namePrefix: props.rolePrefix,
      path: props.rolePath,
      description: `API Gateway invokes ${props.model} directly`,
      assumeRolePolicy: assumeRolePolicy("apigateway.amazonaws.com", { ...props, account: stackAccount(this) }),
    });
    new IamRolePolicy(this, "policy", {
      role: this.role.id,
      namePrefix: "invoke-",
      policy: JSON.stringify(
        policyDocument([
          {
            Sid: "InvokeOneEndpoint",
            Effect: "Allow",
            Action: "sagemaker:InvokeEndpoint",
            // Built from the name, not the endpoint resource: see InvokerFunction.
            Resource: endpointArn(props.partition, props.region, stackAccount(this), props.endpointName),
          },
        ]),
      ),
    });
  }
}
