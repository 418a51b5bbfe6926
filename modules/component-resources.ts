import type { Construct } from "constructs";
import { Fn, type ITerraformDependable } from "cdktf";
import { CloudcontrolapiResource } from "@cdktf/provider-aws/lib/cloudcontrolapi-resource";
import { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { InstanceCapacity } from "../deployment/resolve";
import {
  componentEndpointConfigState,
  componentState,
  type ComponentHost,
  type ResolvedComponent,
  type RoleIdentity,
} from "../deployment/sagemaker/inference-component";
import { CLOUD_CONTROL_SCHEMAS, type CloudControlType } from "../reference/cloudformation";
import { ComponentScaling } from "./component-scaling";

type Tags = Readonly<Record<string, string>>;

/** A Cloud Control resource with its schema given, so plans validate offline and never ask the registry. */
function cloudControl(
  scope: Construct,
  id: string,
  typeName: CloudControlType,
  desiredState: Record<string, unknown>,
  extra = {},
) {
  return new CloudcontrolapiResource(scope, id, {
    typeName,
    schema: JSON.stringify(CLOUD_CONTROL_SCHEMAS[typeName]),
    desiredState: Fn.jsonencode(desiredState),
    ...extra,
  });
}

/**
 * An endpoint for inference components, created in `scope`: its config (no model; instances managed
 * between the host's min and max) through Cloud Control, as provider 5.100 cannot express it, and the
 * endpoint itself natively, as for every other model.
 */
export function defineComponentHost(
  scope: Construct,
  props: {
    host: ComponentHost;
    executionRole: IamRole;
    /** The execution role's name prefix and path, known at synth: the config's name changes with them. */
    role: RoleIdentity;
    tags: Tags;
    /** The execution role's policy: SageMaker checks the role when it creates the config. */ rolePolicy: ITerraformDependable;
  },
): SagemakerEndpoint {
  const { endpointName } = props.host;
  const state = componentEndpointConfigState({
    host: props.host,
    executionRoleArn: props.executionRole.arn,
    role: props.role,
    tags: props.tags,
  });
  const config = cloudControl(scope, "endpoint-config", "AWS::SageMaker::EndpointConfig", state, {
    dependsOn: [props.rolePolicy],
    // A replaced role's ARN is unknown at plan, and the provider then plans an update of the config,
    // which Cloud Control refuses (ExecutionRoleArn is create-only): a new role makes a new config.
    lifecycle: {
      createBeforeDestroy: true,
      replaceTriggeredBy: [`${props.executionRole.terraformResourceType}.${props.executionRole.friendlyUniqueId}.arn`],
    },
  });
  const configName = state.EndpointConfigName as string;
  return new SagemakerEndpoint(scope, "endpoint", {
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
}

/** A model as an inference component of an endpoint, created in `scope`, with its copies' scaling. */
export function defineComponent(
  scope: Construct,
  props: {
    component: ResolvedComponent;
    endpoint: SagemakerEndpoint;
    modelName: string;
    capacity: InstanceCapacity;
    tags: Tags;
  },
): CloudcontrolapiResource {
  const { component, capacity } = props;
  const resource = cloudControl(
    scope,
    "component",
    "AWS::SageMaker::InferenceComponent",
    componentState({
      component,
      endpointName: props.endpoint.name,
      modelName: props.modelName,
      capacity,
      tags: props.tags,
    }),
    // A new component (a new version, or another endpoint) is made beside the old one, so traffic moves before the old one goes.
    { lifecycle: { createBeforeDestroy: true } },
  );
  if (capacity.autoscaling)
    new ComponentScaling(scope, "scaling", {
      componentName: component.name,
      scaling: capacity.autoscaling,
      dependsOn: [resource],
    });
  return resource;
}
