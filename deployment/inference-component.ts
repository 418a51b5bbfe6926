import { createHash } from "node:crypto";
import type { InstanceCapacity, ModelConfig, SharedEndpointConfig } from "../config/schema";
import { gpuCount } from "../reference/instance-types";
import { fitName, type ResourceNames } from "./names";

/**
 * Desired states of the Cloud Control resources behind a model that scales to zero, as
 * CloudFormation writes them (reference/cloudformation/ has their schemas). Values known only at
 * apply (the role ARN, the model name) come in as Terraform references.
 */

/** The instances of an endpoint that hosts inference components, managed by SageMaker between min and max. */
export interface ComponentHost {
  readonly endpointName: string;
  readonly instanceType: string;
  readonly volumeSizeGb?: number;
  readonly minInstances: number;
  readonly maxInstances: number;
}

/** An inference component: a model with the compute each copy takes. */
export interface ResolvedComponent {
  readonly name: string;
  /** GPUs per copy; none on an instance type without GPUs in this product's table. */
  readonly gpus?: number;
  readonly memoryMb: number;
  /** The shared endpoint (endpoints[].name) it runs on. */
  readonly shared?: string;
  /** Without `shared`: the endpoint of its own that it runs on. */
  readonly host?: ComponentHost;
}

/** A shared endpoint of the config, with the names the stack gives it. */
export interface ResolvedSharedEndpoint extends ComponentHost {
  readonly name: string;
  readonly rolePrefix: string;
}

/**
 * The inference component a model is, if it is one. Placed on a shared endpoint: the GPUs and memory
 * its placement says. Scaling to zero alone (autoscaling.minCapacity 0): all of its instance's GPUs
 * (the servers shard over them) and a nominal memory (nothing shares the instance), on an endpoint
 * of its own named as the component, with one instance over its copies' need: a rolling update
 * starts a new copy before it stops an old one. A component cannot change endpoints: the name says
 * which it is on, so a model that moves gets a new component beside the old one, and traffic moves
 * to it before the old one goes.
 */
export function componentOf(m: ModelConfig, names: ResourceNames): ResolvedComponent | undefined {
  if (m.capacity.kind !== "instance") return undefined;
  const { placement, autoscaling } = m.capacity;
  if (placement) {
    return { name: names.endpoint(`${placement.endpoint}-${m.name}`), gpus: placement.gpus, memoryMb: placement.memoryMb, shared: placement.endpoint };
  }
  if (autoscaling?.minCapacity !== 0) return undefined;
  const name = names.endpoint(m.name);
  return {
    name,
    gpus: gpuCount(m.capacity.type),
    memoryMb: SOLO_COMPONENT_MEMORY_MB,
    host: {
      endpointName: name,
      instanceType: m.capacity.type,
      volumeSizeGb: m.capacity.volumeSizeGb,
      minInstances: 0,
      maxInstances: autoscaling.maxCapacity + 1,
    },
  };
}

/** The config's shared endpoints, named for the stage. */
export function sharedEndpointsOf(endpoints: readonly SharedEndpointConfig[], names: ResourceNames): ResolvedSharedEndpoint[] {
  return endpoints.map((e) => ({
    name: e.name,
    endpointName: names.endpoint(e.name),
    instanceType: e.instanceType,
    volumeSizeGb: e.volumeSizeGb,
    minInstances: e.minInstances,
    maxInstances: e.maxInstances,
    rolePrefix: names.rolePrefix(`${e.name}-ep`),
  }));
}

/** Host memory a copy asks for: it only steers placement, and a component alone on its instance competes with nothing. */
const SOLO_COMPONENT_MEMORY_MB = 1024;

export const COMPONENT_VARIANT = "AllTraffic";

type Tags = Readonly<Record<string, string>>;
const tagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/**
 * The endpoint config: no model of its own, managed instance scaling (only endpoints with inference
 * components may scale to zero instances), the execution role at the top. Endpoint configs are
 * immutable; the name carries a hash of what is known at synth, so a change makes a new config
 * beside the old one (create before destroy), as for the endpoints without components.
 */
export function componentEndpointConfigState(input: {
  readonly host: ComponentHost;
  readonly executionRoleArn: string;
  readonly tags: Tags;
}): Record<string, unknown> {
  const { host } = input;
  const variant = {
    VariantName: COMPONENT_VARIANT,
    InstanceType: host.instanceType,
    // SageMaker starts the endpoint with an instance; managed scaling takes it from there.
    InitialInstanceCount: Math.max(1, host.minInstances),
    ManagedInstanceScaling: { Status: "ENABLED", MinInstanceCount: host.minInstances, MaxInstanceCount: host.maxInstances },
    ...(host.volumeSizeGb === undefined ? {} : { VolumeSizeInGB: host.volumeSizeGb }),
  };
  const hash = createHash("sha256").update(JSON.stringify(variant)).digest("hex").slice(0, 8);
  return {
    EndpointConfigName: `${fitName(host.endpointName, 36)}-${hash}`,
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
