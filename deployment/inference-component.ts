import { createHash } from "node:crypto";
import type { InstanceCapacity, ModelConfig } from "../config/schema";
import { gpuCount } from "../reference/instance-types";
import { fitName } from "./names";

/**
 * Desired states of the Cloud Control resources behind a model that scales to zero, as
 * CloudFormation writes them (reference/cloudformation/ has their schemas). Values known only at
 * apply (the role ARN, the model name) come in as Terraform references.
 */

/** An inference component: a model with the compute each copy takes, on an endpoint that scales with its copies. */
export interface ResolvedComponent {
  readonly name: string;
  /** GPUs per copy; none on an instance type without GPUs in this product's table. */
  readonly gpus?: number;
  readonly memoryMb: number;
  /** Instances the endpoint may add (managed instance scaling from 0). */
  readonly maxInstances: number;
}

/**
 * A model that scales to zero is one inference component on an endpoint of its own, taking all of
 * the instance's GPUs (the servers shard over them) and the component's minimum memory (no other
 * component shares the instance). Named as its endpoint: one model, one of each.
 */
export function soloComponent(m: ModelConfig, endpointName: string): ResolvedComponent | undefined {
  if (m.capacity.kind !== "instance" || m.capacity.autoscaling?.minCapacity !== 0) return undefined;
  return { name: endpointName, gpus: gpuCount(m.capacity.type), memoryMb: SOLO_COMPONENT_MEMORY_MB, maxInstances: m.capacity.autoscaling.maxCapacity };
}

/** Host memory a copy asks for: it only steers placement, and a component alone on its instance competes with nothing. */
const SOLO_COMPONENT_MEMORY_MB = 1024;

export const COMPONENT_VARIANT = "AllTraffic";

type Tags = Readonly<Record<string, string>>;
const tagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/**
 * The endpoint config: no model of its own, managed instance scaling from 0 (only endpoints with
 * inference components may scale to zero instances), the execution role at the top. Endpoint
 * configs are immutable; the name carries a hash of what is known at synth, so a change makes a
 * new config beside the old one (create before destroy), as for the endpoints without components.
 */
export function componentEndpointConfigState(input: {
  readonly endpointName: string;
  readonly capacity: InstanceCapacity;
  readonly component: ResolvedComponent;
  readonly executionRoleArn: string;
  readonly tags: Tags;
}): Record<string, unknown> {
  const variant = {
    VariantName: COMPONENT_VARIANT,
    InstanceType: input.capacity.type,
    // SageMaker starts the endpoint with instances for the first copy; managed scaling takes it from there.
    InitialInstanceCount: 1,
    // One instance over the copies' need: a rolling update starts a new copy before it stops an old one.
    ManagedInstanceScaling: { Status: "ENABLED", MinInstanceCount: 0, MaxInstanceCount: input.component.maxInstances + 1 },
    ...(input.capacity.volumeSizeGb === undefined ? {} : { VolumeSizeInGB: input.capacity.volumeSizeGb }),
  };
  const hash = createHash("sha256").update(JSON.stringify(variant)).digest("hex").slice(0, 8);
  return {
    EndpointConfigName: `${fitName(input.endpointName, 36)}-${hash}`,
    ExecutionRoleArn: input.executionRoleArn,
    ProductionVariants: [variant],
    Tags: tagList(input.tags),
  };
}

/**
 * The component: the model with the compute each copy takes. It starts with one copy (SageMaker
 * refuses to create one with none); Application Auto Scaling moves the count from there, and the
 * count stays out of later patches because Terraform diffs this document, not the live one.
 * An update replaces copies one at a time, watched by the model's rollback alarms.
 */
export function componentState(input: {
  readonly component: ResolvedComponent;
  readonly endpointName: string;
  readonly modelName: string;
  readonly capacity: InstanceCapacity;
  readonly rollbackAlarmNames: readonly string[];
  readonly tags: Tags;
}): Record<string, unknown> {
  const { component, capacity } = input;
  return {
    InferenceComponentName: component.name,
    EndpointName: input.endpointName,
    VariantName: COMPONENT_VARIANT,
    Specification: {
      ModelName: input.modelName,
      ComputeResourceRequirements: {
        ...(component.gpus === undefined ? { NumberOfCpuCoresRequired: 1 } : { NumberOfAcceleratorDevicesRequired: component.gpus }),
        MinMemoryRequiredInMb: component.memoryMb,
      },
      StartupParameters: {
        ModelDataDownloadTimeoutInSeconds: capacity.modelDownloadTimeoutSeconds,
        ContainerStartupHealthCheckTimeoutInSeconds: capacity.startupHealthCheckTimeoutSeconds,
      },
    },
    RuntimeConfig: { CopyCount: 1 },
    DeploymentConfig: {
      RollingUpdatePolicy: { MaximumBatchSize: { Type: "COPY_COUNT", Value: 1 }, WaitIntervalInSeconds: ROLLING_WAIT_SECONDS },
      ...(input.rollbackAlarmNames.length > 0 ? { AutoRollbackConfiguration: { Alarms: input.rollbackAlarmNames.map((AlarmName) => ({ AlarmName })) } } : {}),
    },
    Tags: tagList(input.tags),
  };
}

/** How long each new copy is watched by the rollback alarms before the next one. */
export const ROLLING_WAIT_SECONDS = 120;

/** Target tracking metrics of a component, per config metric. */
export const COMPONENT_METRIC = {
  invocationsPerInstance: "SageMakerInferenceComponentInvocationsPerCopy",
  concurrentRequestsPerModel: "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution",
} as const;
