import { Construct } from "constructs";
import type { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint";
import type { ResolvedSharedEndpoint } from "../deployment/sagemaker/inference-component";
import { defineExecutionRole } from "./execution-role";
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
    const { role, policy } = defineExecutionRole(this, {
      rolePrefix: props.endpoint.rolePrefix,
      rolePath: props.endpoint.rolePath,
      description: `SageMaker execution role for the shared endpoint ${endpointName}`,
      policyPrefix: "endpoint-",
      partition: props.partition,
      region: props.region,
      endpointName,
    });
    this.endpoint = defineComponentHost(this, {
      host: props.endpoint,
      executionRole: role,
      role: { namePrefix: props.endpoint.rolePrefix, path: props.endpoint.rolePath },
      tags: props.tags,
      rolePolicy: policy,
    });
  }
}
