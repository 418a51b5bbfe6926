import { Construct } from "constructs";
import { Fn } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint";
import type { ResolvedSharedEndpoint } from "../deployment/inference-component";
import { assumeRolePolicy, policyDocument, sagemakerExecutionStatements } from "../deployment/iam-policies";
import { stackAccount } from "./stack-account";
import { defineComponentHost } from "./component-resources";

export interface SharedEndpointProps {
  readonly endpoint: ResolvedSharedEndpoint;
  readonly region: string;
  readonly partition: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A shared endpoint: instances SageMaker manages for the inference components placed on it. Its
 * config's execution role writes the endpoint's logs and metrics only: each placed model pulls its
 * image and data with its own role.
 */
export class SharedEndpoint extends Construct {
  readonly endpoint: SagemakerEndpoint;

  constructor(scope: Construct, id: string, props: SharedEndpointProps) {
    super(scope, id);
    const { endpointName } = props.endpoint;
    const role = new IamRole(this, "execution-role", {
      namePrefix: props.endpoint.rolePrefix,
      description: `SageMaker execution role for the shared endpoint ${endpointName}`,
      assumeRolePolicy: assumeRolePolicy("sagemaker.amazonaws.com", { ...props, account: stackAccount(this) }),
    });
    const policy = new IamRolePolicy(this, "execution-policy", {
      role: role.id,
      namePrefix: "endpoint-",
      policy: JSON.stringify(
        policyDocument(
          sagemakerExecutionStatements({
            partition: props.partition,
            region: props.region,
            account: Fn.element(Fn.split(":", role.arn), 4),
            endpointName,
          }),
        ),
      ),
    });
    this.endpoint = defineComponentHost(this, { host: props.endpoint, executionRoleArn: role.arn, tags: props.tags, rolePolicy: policy });
  }
}
