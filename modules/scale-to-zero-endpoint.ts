import { Construct } from "constructs";
import type { CloudcontrolapiResource } from "@cdktf/provider-aws/lib/cloudcontrolapi-resource";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint";
import type { ScaleToZeroHosting } from "../deployment/resolve";
import { defineModel } from "./model-definition";
import { defineComponent, defineComponentHost } from "./component-resources";

export interface ScaleToZeroEndpointProps {
  readonly hosting: ScaleToZeroHosting;
  readonly region: string;
  readonly partition: string;
  /** Tags for the Cloud Control resources, which the provider's default tags do not reach. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A model that scales to zero alone: an endpoint whose instances SageMaker manages from 0, the model
 * as its one inference component, and the component's scaling (copies from 0, woken by a request).
 */
export class ScaleToZeroEndpoint extends Construct {
  /** The model's inference component. */
  readonly component: CloudcontrolapiResource;
  readonly endpoint: SagemakerEndpoint;
  readonly executionRole: IamRole;

  constructor(scope: Construct, id: string, props: ScaleToZeroEndpointProps) {
    super(scope, id);
    const { capacity, component, host } = props.hosting;
    const { executionRole, executionPolicy, model } = defineModel(this, props);
    this.executionRole = executionRole;
    this.endpoint = defineComponentHost(this, {
      host,
      executionRole,
      role: { namePrefix: props.hosting.rolePrefix, path: props.hosting.rolePath },
      tags: props.tags,
      rolePolicy: executionPolicy,
    });
    this.component = defineComponent(this, {
      component,
      endpoint: this.endpoint,
      modelName: model.name,
      capacity,
      tags: props.tags,
    });
  }
}
