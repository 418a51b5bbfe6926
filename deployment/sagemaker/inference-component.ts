import { createHash } from "node:crypto";
import type { ModelConfig, SharedEndpointConfig } from "../../config/schema";
import type { InstanceCapacity } from "./capacity";
import { gpuCount } from "../../reference/instance-types";
import { fitName, type ResourceNames } from "../names";
import { specHash, type ContainerSpec } from "./model-container";
import { VARIANT_NAME } from "../../reference/aws-limits";

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
  /** The component's name: its base and a hash of everything that cannot change in place (see componentName). */
  readonly name: string;
  /** What names the component's alarms, which outlive each version: <project>-<stage>[-<endpoint>]-<model>. */
  readonly baseName: string;
  /** GPUs per copy; none on an instance type without GPUs in this product's table. */
  readonly gpus?: number;
  readonly memoryMb: number;
}

/** A shared endpoint of the config, with the names the stack gives it. */
export interface ResolvedSharedEndpoint extends ComponentHost {
  readonly name: string;
  readonly rolePrefix: string;
  readonly rolePath: string;
}

/** Where a component runs: a shared endpoint, or an endpoint of its own that scales to zero. */
export type ComponentPlacement =
  | { readonly kind: "placed"; readonly component: ResolvedComponent; readonly sharedEndpoint: string }
  | { readonly kind: "scale-to-zero"; readonly component: ResolvedComponent; readonly host: ComponentHost };

/**
 * The inference component a model is, if it is one. Placed on a shared endpoint: the GPUs and memory
 * its placement says. Scaling to zero alone (autoscaling.minCapacity 0): all of its instance's GPUs
 * (the servers shard over them) and a nominal memory (nothing shares the instance), on an endpoint
 * of its own, with one instance over its copies' need: a new version starts its copy before the
 * old one goes.
 */
export function componentOf(
  m: ModelConfig,
  names: ResourceNames,
  container: ContainerSpec,
): ComponentPlacement | undefined {
  if (m.capacity.kind !== "instance") return undefined;
  const { placement, autoscaling } = m.capacity;
  const startup = {
    download: m.capacity.modelDownloadTimeoutSeconds,
    health: m.capacity.startupHealthCheckTimeoutSeconds,
  };
  if (placement) {
    const baseName = names.endpoint(`${placement.endpoint}-${m.name}`);
    const endpointName = names.endpoint(placement.endpoint);
    const compute = { gpus: placement.gpus, memoryMb: placement.memoryMb };
    const name = componentName(baseName, { endpointName, container, compute, startup });
    return { kind: "placed", component: { name, baseName, ...compute }, sharedEndpoint: placement.endpoint };
  }
  if (autoscaling?.minCapacity !== 0) return undefined;
  const baseName = names.endpoint(m.name);
  const compute = { gpus: gpuCount(m.capacity.type), memoryMb: SOLO_COMPONENT_MEMORY_MB };
  return {
    kind: "scale-to-zero",
    component: {
      name: componentName(baseName, { endpointName: baseName, container, compute, startup }),
      baseName,
      ...compute,
    },
    host: {
      endpointName: baseName,
      instanceType: m.capacity.type,
      volumeSizeGb: m.capacity.volumeSizeGb,
      minInstances: 0,
      maxInstances: autoscaling.maxCapacity + 1,
    },
  };
}

/**
 * A component's name carries a hash of everything an update could only send as a create-only or
 * write-only property, or as an UpdateInferenceComponent that Terraform cannot watch: the endpoint
 * and variant, the model (its container spec, and the token secret it reads), the compute per copy
 * and the startup timeouts. A change of any is a new component beside the old one (create before
 * destroy); the functions move to it once it is up, then the old one goes. What remains to patch
 * in place is only what Cloud Control reads back: the tags, and the model's name when a rotated
 * token renames the model. (InferenceComponentName: up to 63 characters.)
 */
export function componentName(
  baseName: string,
  what: { endpointName: string; container: ContainerSpec; compute: object; startup: object },
): string {
  const identity = {
    endpoint: what.endpointName,
    variant: COMPONENT_VARIANT,
    model: specHash(what.container),
    token: what.container.tokenSecretArn,
    compute: what.compute,
    startup: what.startup,
  };
  return `${fitName(baseName, 54)}-${shortHash(identity)}`;
}

const HASH_CHARS = 8;
const shortHash = (value: unknown) =>
  createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, HASH_CHARS);

/** Every version of a component's name, its hash left open (IAM's `?`): what the deploy role may create. */
export const componentNamePattern = (name: string): string => `${name.slice(0, -HASH_CHARS)}${"?".repeat(HASH_CHARS)}`;

/** The config's shared endpoints, named for the stage. */
export function sharedEndpointsOf(
  endpoints: readonly SharedEndpointConfig[],
  names: ResourceNames,
): ResolvedSharedEndpoint[] {
  return endpoints.map((e) => ({
    name: e.name,
    endpointName: names.endpoint(e.name),
    instanceType: e.instanceType,
    volumeSizeGb: e.volumeSizeGb,
    minInstances: e.minInstances,
    maxInstances: e.maxInstances,
    rolePrefix: names.rolePrefix(`${e.name}-ep`),
    rolePath: names.rolePath,
  }));
}

/** Host memory a copy asks for: it only steers placement, and a component alone on its instance competes with nothing. */
const SOLO_COMPONENT_MEMORY_MB = 1024;

export const COMPONENT_VARIANT = VARIANT_NAME;

type Tags = Readonly<Record<string, string>>;
const tagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** The parts of an execution role's identity that only a new role can change. */
export interface RoleIdentity {
  readonly namePrefix: string;
  readonly path: string;
}

/**
 * The endpoint config: no model of its own, managed instance scaling (only endpoints with inference
 * components may scale to zero instances), the execution role at the top. Every property but the
 * tags is create-only, so the name carries a hash of the variant and of the execution role's
 * identity: a change makes a new config beside the old one (create before destroy). A role that is
 * replaced has an ARN unknown at plan, for which the provider plans an update Cloud Control refuses;
 * the construct replaces the config with its role (replace_triggered_by) for that.
 */
export function componentEndpointConfigState(input: {
  readonly host: ComponentHost;
  readonly executionRoleArn: string;
  readonly role: RoleIdentity;
  readonly tags: Tags;
}): Record<string, unknown> {
  const { host } = input;
  const variant = {
    VariantName: COMPONENT_VARIANT,
    InstanceType: host.instanceType,
    // SageMaker starts the endpoint with an instance; managed scaling takes it from there.
    InitialInstanceCount: Math.max(1, host.minInstances),
    ManagedInstanceScaling: {
      Status: "ENABLED",
      MinInstanceCount: host.minInstances,
      MaxInstanceCount: host.maxInstances,
    },
    ...(host.volumeSizeGb === undefined ? {} : { VolumeSizeInGB: host.volumeSizeGb }),
  };
  return {
    EndpointConfigName: `${fitName(host.endpointName, 36)}-${shortHash({ variant, role: input.role })}`,
    ExecutionRoleArn: input.executionRoleArn,
    ProductionVariants: [variant],
    Tags: tagList(input.tags),
  };
}

/**
 * The component: the model with the compute each copy takes. It starts with one copy (SageMaker
 * refuses to create one with none), and Application Auto Scaling moves the count from there; the
 * count is write-only (a read never returns it), and no later patch carries it, since nothing in
 * this document changes but the tags and the model's name. No DeploymentConfig: create takes none,
 * and a new version is a new component (see componentName), not a rolling update.
 */
export function componentState(input: {
  readonly component: ResolvedComponent;
  readonly endpointName: string;
  readonly modelName: string;
  readonly capacity: InstanceCapacity;
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
        ...(component.gpus === undefined
          ? { NumberOfCpuCoresRequired: 1 }
          : { NumberOfAcceleratorDevicesRequired: component.gpus }),
        MinMemoryRequiredInMb: component.memoryMb,
      },
      StartupParameters: {
        ModelDataDownloadTimeoutInSeconds: capacity.modelDownloadTimeoutSeconds,
        ContainerStartupHealthCheckTimeoutInSeconds: capacity.startupHealthCheckTimeoutSeconds,
      },
    },
    RuntimeConfig: { CopyCount: 1 },
    Tags: tagList(input.tags),
  };
}

/** Target tracking metrics of a component, per config metric. */
export const COMPONENT_METRIC = {
  invocationsPerInstance: "SageMakerInferenceComponentInvocationsPerCopy",
  concurrentRequestsPerModel: "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution",
} as const;
