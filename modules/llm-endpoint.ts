import { Construct } from "constructs";
import { DataResource, type ITerraformDependable, type TerraformResource } from "cdktf";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import {
  SagemakerEndpointConfiguration,
  type SagemakerEndpointConfigurationProductionVariants,
} from "@cdktf/provider-aws/lib/sagemaker-endpoint-configuration";
import { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import type { InstanceCapacity, InstanceHosting, ServerlessHosting } from "../deployment/resolve";
import { fitName } from "../deployment/names";
import { defineModel } from "./model-definition";
import { targetTracking } from "../deployment/sagemaker/scaling";
import { VARIANT_NAME } from "../reference/aws-limits";

export interface LlmEndpointProps {
  /**
   * The model on an endpoint of its own: the endpoint's physical name (the same across model and
   * instance changes), the head of its model names (a hash of the container is appended), its role
   * prefix, capacity and container.
   */
  readonly hosting: InstanceHosting | ServerlessHosting;
  /** Deployment region, for the execution role's ARNs. */
  readonly region: string;
  /** `aws_partition` of the stack. */
  readonly partition: string;
  /** Alarms that stop and roll back a blue/green update (instance endpoints). @default - no rollback alarms */
  readonly rollbackAlarmNames?: readonly string[];
}

const TRAFFIC = { allAtOnce: "ALL_AT_ONCE", canary: "CANARY", linear: "LINEAR" } as const;

const VARIANT = VARIANT_NAME;

const METRIC = {
  invocationsPerInstance: "SageMakerVariantInvocationsPerInstance",
  concurrentRequestsPerModel: "SageMakerVariantConcurrentRequestsPerModelHighResolution",
} as const;

/** One model behind one SageMaker endpoint: execution role, model, endpoint config, endpoint and autoscaling. */
export class LlmEndpoint extends Construct {
  readonly endpoint: SagemakerEndpoint;
  readonly executionRole: IamRole;

  constructor(scope: Construct, id: string, props: LlmEndpointProps) {
    super(scope, id);
    const { hosting } = props;
    const { endpointName } = hosting;
    // Only instances have these; a serverless endpoint has none of them.
    const instance = hosting.kind === "instance" ? hosting.capacity : undefined;

    const { executionRole, model: sagemakerModel } = defineModel(this, props);
    this.executionRole = executionRole;

    const variant = variantOf(hosting, sagemakerModel.name);

    // Endpoint configs are immutable: a prefix name plus create_before_destroy lets a
    // model or instance change create the new config, switch the endpoint, then delete the old one.
    const endpointConfig = new SagemakerEndpointConfiguration(this, "endpoint-config", {
      namePrefix: `${fitName(endpointName, 36)}-`,
      productionVariants: [variant],
      dataCaptureConfig: dataCaptureOf(instance?.dataCapture),
      lifecycle: { createBeforeDestroy: true },
    });

    const deploymentConfig = deploymentConfigOf(instance, props.rollbackAlarmNames ?? []);

    // SageMaker refuses an update that changes the instance type of a variant registered with
    // Application Auto Scaling, or removes such a variant; any other change (a new model, timeouts,
    // the instance count) it takes with the target registered ("Update endpoints that use auto
    // scaling", SageMaker developer guide). Terraform orders a dependent's destroy only before its
    // dependencies' destroys, never before their updates, so this gate, replaced when the instance
    // type or the variant changes, carries the order: the scalable target (which depends on it) is
    // deregistered, the gate replaced, the endpoint updated, the target registered. Its trigger is
    // what the config file says, known at synth: a reference to the endpoint config would make
    // Terraform force create-before-destroy on it, and lose the order.
    const scaling = instance?.autoscaling;
    const scalingGate = scaling
      ? new DataResource(this, "scaling-gate", {
          triggersReplace: {
            variant: JSON.stringify({ variantName: variant.variantName, instanceType: variant.instanceType }),
          },
        })
      : undefined;

    this.endpoint = new SagemakerEndpoint(this, "endpoint", {
      name: endpointName,
      endpointConfigName: endpointConfig.name,
      deploymentConfig,
      dependsOn: scalingGate ? [scalingGate] : undefined,
      lifecycle: {
        // SageMaker rolls a failed blue/green update back to the old config and reports InService,
        // which the provider takes for success. Read back, the endpoint then names the old config:
        // the apply fails here, before the old config and model it still runs on are deleted.
        postcondition: [
          {
            condition: `\${self.endpoint_config_name == ${endpointConfig.fqn}.name}`,
            errorMessage: `SageMaker rolled the update of endpoint ${endpointName} back: it is InService on its previous config, not the one this apply created. Find why in its events and logs (aws sagemaker describe-endpoint --endpoint-name ${endpointName}; CloudWatch /aws/sagemaker/Endpoints/${endpointName}), fix the config, and apply again. This apply stopped before deleting the previous config and model, which the endpoint still runs on.`,
          },
        ],
      },
    });

    if (scaling && scalingGate) this.scaleInstances(endpointName, scaling, scalingGate);
  }

  /** Application Auto Scaling of the variant's instances: its target behind the gate, a target tracking policy, the schedules. */
  private scaleInstances(endpointName: string, scaling: InstanceScaling, scalingGate: DataResource): void {
    const target = new AppautoscalingTarget(this, "scaling-target", {
      dependsOn: [scalingGate],
      serviceNamespace: "sagemaker",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      resourceId: `endpoint/${this.endpoint.name}/variant/${VARIANT}`,
      minCapacity: scaling.minCapacity,
      maxCapacity: scaling.maxCapacity,
      lifecycle: {
        replaceTriggeredBy: [addressOf(scalingGate)],
        // Scheduled actions move min and max; the next deploy must not move them back.
        ...(scaling.schedules.length > 0 ? { ignoreChanges: ["min_capacity", "max_capacity"] } : {}),
      },
    });
    // Deregistering a target deletes its policies and scheduled actions: they go and come back with it.
    const withTarget = { replaceTriggeredBy: [addressOf(target)] };
    const policy = new AppautoscalingPolicy(this, "scaling-policy", {
      lifecycle: withTarget,
      name: `${endpointName}-${scaling.metric}`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: targetTracking(scaling, METRIC[scaling.metric]),
    });
    // Chained: Application Auto Scaling refuses concurrent changes to one scalable target.
    let previous: ITerraformDependable = policy;
    for (const schedule of scaling.schedules) {
      previous = new AppautoscalingScheduledAction(this, `schedule-${schedule.name}`, {
        dependsOn: [previous],
        lifecycle: withTarget,
        name: `${endpointName}-${schedule.name}`,
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        schedule: schedule.schedule,
        timezone: schedule.timezone,
        // The provider takes capacities as strings here.
        scalableTargetAction: {
          minCapacity: schedule.minCapacity?.toString(),
          maxCapacity: schedule.maxCapacity?.toString(),
        },
      });
    }
  }
}

/** A resource's address for replace_triggered_by: cdktf 0.21 writes a resource there as "${...}", which Terraform refuses. */
const addressOf = (resource: TerraformResource): string =>
  `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;

type InstanceScaling = NonNullable<InstanceCapacity["autoscaling"]>;

function variantOf(
  hosting: InstanceHosting | ServerlessHosting,
  modelName: string,
): SagemakerEndpointConfigurationProductionVariants {
  if (hosting.kind === "serverless") {
    const { memorySizeMb, maxConcurrency } = hosting.capacity;
    return { variantName: VARIANT, modelName, serverlessConfig: { memorySizeInMb: memorySizeMb, maxConcurrency } };
  }
  const { capacity } = hosting;
  return {
    variantName: VARIANT,
    modelName,
    instanceType: capacity.type,
    initialInstanceCount: capacity.initialCount,
    volumeSizeInGb: capacity.volumeSizeGb,
    modelDataDownloadTimeoutInSeconds: capacity.modelDownloadTimeoutSeconds,
    containerStartupHealthCheckTimeoutInSeconds: capacity.startupHealthCheckTimeoutSeconds,
  };
}

function dataCaptureOf(capture: InstanceCapacity["dataCapture"]) {
  if (!capture) return undefined;
  const modes = { both: ["Input", "Output"], input: ["Input"], output: ["Output"] }[capture.captureContent];
  return {
    enableCapture: true,
    initialSamplingPercentage: capture.samplingPercent,
    destinationS3Uri: capture.s3Uri,
    kmsKeyId: capture.kmsKeyArn,
    captureOptions: modes.map((captureMode) => ({ captureMode })),
    captureContentTypeHeader: { jsonContentTypes: ["application/json"] },
  };
}

/**
 * Updates build the new fleet beside the old one and shift traffic in steps; a rollback alarm firing
 * meanwhile sends all traffic back. Serverless endpoints cannot do this.
 */
function deploymentConfigOf(instance: InstanceCapacity | undefined, rollback: readonly string[]) {
  if (!instance || !(instance.deployment || rollback.length > 0)) return undefined;
  const deployment = instance.deployment ?? {
    strategy: "allAtOnce" as const,
    stepPercent: 10,
    waitSeconds: 300,
    terminationWaitSeconds: 0,
  };
  const step = { type: "CAPACITY_PERCENT", value: deployment.stepPercent };
  return {
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: TRAFFIC[deployment.strategy],
        waitIntervalInSeconds: deployment.waitSeconds,
        ...(deployment.strategy === "canary" ? { canarySize: step } : {}),
        ...(deployment.strategy === "linear" ? { linearStepSize: step } : {}),
      },
      terminationWaitInSeconds: deployment.terminationWaitSeconds,
      maximumExecutionTimeoutInSeconds:
        "maxExecutionSeconds" in deployment ? deployment.maxExecutionSeconds : undefined,
    },
    ...(rollback.length > 0
      ? { autoRollbackConfiguration: { alarms: rollback.map((alarmName) => ({ alarmName })) } }
      : {}),
  };
}
