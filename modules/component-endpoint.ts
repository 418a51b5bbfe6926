import { Construct } from "constructs";
import { Fn } from "cdktf";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { CloudcontrolapiResource } from "@cdktf/provider-aws/lib/cloudcontrolapi-resource";
import { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint";
import type { InstanceCapacity } from "../config/schema";
import type { ManagedEndpoint } from "../deployment/resolve";
import type { ResolvedComponent } from "../deployment/inference-component";
import { componentEndpointConfigState, componentState } from "../deployment/inference-component";
import { CLOUD_CONTROL_SCHEMAS, type CloudControlType } from "../reference/cloudformation";
import { defineModel } from "./model-definition";
import { ComponentScaling } from "./component-scaling";

export interface ComponentEndpointProps {
  readonly endpoint: ManagedEndpoint & { readonly capacity: InstanceCapacity; readonly component: ResolvedComponent };
  readonly region: string;
  readonly partition: string;
  /** Alarms that stop and roll back a rolling update of the component. @default - none */
  readonly rollbackAlarmNames?: readonly string[];
  /** Tags for the Cloud Control resources, which the provider's default tags do not reach. */
  readonly tags: Readonly<Record<string, string>>;
}

/** A Cloud Control resource with its schema given, so plans validate offline and never ask the registry. */
function cloudControl(scope: Construct, id: string, typeName: CloudControlType, desiredState: Record<string, unknown>, extra = {}) {
  return new CloudcontrolapiResource(scope, id, {
    typeName,
    schema: JSON.stringify(CLOUD_CONTROL_SCHEMAS[typeName]),
    desiredState: Fn.jsonencode(desiredState),
    ...extra,
  });
}

/**
 * A model that scales to zero: an endpoint whose instances SageMaker manages from 0, the model as its
 * one inference component, and the component's scaling (copies from 0, woken by a request).
 * Provider 5.100 has no native resources for an endpoint config without a model or for a component:
 * both go through Cloud Control. The endpoint itself stays native, as for every other model.
 */
export class ComponentEndpoint extends Construct {
  readonly endpoint: SagemakerEndpoint;
  readonly executionRole: IamRole;

  constructor(scope: Construct, id: string, props: ComponentEndpointProps) {
    super(scope, id);
    const { endpointName, capacity, component } = props.endpoint;
    const { executionRole, model } = defineModel(this, props);
    this.executionRole = executionRole;

    const configState = componentEndpointConfigState({ endpointName, capacity, component, executionRoleArn: executionRole.arn, tags: props.tags });
    const config = cloudControl(this, "endpoint-config", "AWS::SageMaker::EndpointConfig", configState, {
      lifecycle: { createBeforeDestroy: true },
    });
    const configName = configState.EndpointConfigName as string;

    this.endpoint = new SagemakerEndpoint(this, "endpoint", {
      name: endpointName,
      endpointConfigName: configName,
      dependsOn: [config],
      lifecycle: {
        postcondition: [
          {
            condition: `\${self.endpoint_config_name == "${configName}"}`,
            errorMessage: `Endpoint ${endpointName} is not on the config this apply created (${configName}): SageMaker did not take the update. Find why in its events (aws sagemaker describe-endpoint --endpoint-name ${endpointName}), fix the config, and apply again.`,
          },
        ],
      },
    });

    const inferenceComponent = cloudControl(
      this,
      "component",
      "AWS::SageMaker::InferenceComponent",
      componentState({
        component,
        endpointName: this.endpoint.name,
        modelName: model.name,
        capacity,
        rollbackAlarmNames: props.rollbackAlarmNames ?? [],
        tags: props.tags,
      }),
    );

    if (capacity.autoscaling) {
      new ComponentScaling(this, "scaling", { componentName: component.name, scaling: capacity.autoscaling, dependsOn: [inferenceComponent] });
    }
  }
}
