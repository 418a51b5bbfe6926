import type { Capacity, Config } from "../../config/schema";
import { gpuCount } from "../../reference/instance-types";
import { VARIANT_NAME } from "../../reference/aws-limits";

/**
 * What to watch, as plain values: one spec per CloudWatch alarm. Endpoint
 * alarms marked `rollback` also stop a blue/green update and roll it back.
 */
type Dimensions = Readonly<Record<string, string>>;

export interface MetricRef {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Dimensions;
  /** Statistic or percentile, e.g. "Sum", "Average", "Maximum", "p90". */
  readonly stat: string;
  readonly periodSeconds: number;
}

export interface AlarmSpec {
  /** Construct id: stable, so Terraform addresses stay put. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** One metric, or a ratio of two (errors / requests). */
  readonly metric: MetricRef | { readonly ratio: readonly [MetricRef, MetricRef] };
  readonly rollback?: boolean;
  /** @default - the metric above the threshold */
  readonly atOrAbove?: boolean;
}

export type Thresholds = Config["alarms"];

const VARIANT = VARIANT_NAME;

/** vCPUs of an ml.* type: 4 per "xlarge" unit on the GPU families this product serves. */
export function vcpuCount(instanceType: string): number {
  const size = /\.(\d*)xlarge$/.exec(instanceType);
  if (size) return 4 * Number(size[1] || 1);
  return instanceType.endsWith(".large") ? 2 : 4;
}

/**
 * The endpoint alarms a stage creates: all of them with alarms on; with alarms off the rollback
 * alarms of an endpoint whose updates they watch (an instance endpoint with a model of its own)
 * still, without actions, since the provider replaces an endpoint whose rollback alarms change, so
 * turning alarms on or off must leave that set alone. An inference component has none to keep:
 * a new version of it is a new component, which no alarm rolls back.
 */
export function createdEndpointAlarms(
  specs: readonly AlarmSpec[],
  watchesUpdates: boolean,
  alarmsOn: boolean,
): readonly AlarmSpec[] {
  if (alarmsOn) return specs;
  return watchesUpdates ? specs.filter((spec) => spec.rollback) : [];
}

/** Whether a model's updates are blue/green, watched by its rollback alarms: an instance endpoint of its own. */
export const watchesUpdates = (hosting: { readonly kind: string }): boolean => hosting.kind === "instance";

/** Error rates and latency of the calls to an endpoint, or to one inference component, named for it. */
function invocationAlarmSpecs(endpointName: string, dims: Dimensions, t: Thresholds): AlarmSpec[] {
  const invocation = (name: string): MetricRef => ({
    namespace: "AWS/SageMaker",
    name,
    dimensions: dims,
    stat: "Sum",
    periodSeconds: 60,
  });
  return [
    {
      id: "errors-5xx",
      name: `${endpointName}-5xx-rate`,
      description: `More than ${t.endpoint5xxRate * 100}% of calls to ${endpointName} fail with 5xx: the model or its container is failing.`,
      threshold: t.endpoint5xxRate,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      metric: { ratio: [invocation("Invocation5XXErrors"), invocation("Invocations")] },
      rollback: true,
    },
    {
      id: "errors-4xx",
      name: `${endpointName}-4xx-rate`,
      description: `More than ${t.endpoint4xxRate * 100}% of calls to ${endpointName} are refused with 4xx: inputs too long for the model, or the model overloaded.`,
      threshold: t.endpoint4xxRate,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      metric: { ratio: [invocation("Invocation4XXErrors"), invocation("Invocations")] },
    },
    {
      id: "latency-p90",
      name: `${endpointName}-latency-p90`,
      description: `The model's p90 latency on ${endpointName} is over ${t.modelLatencyP90Ms} ms (streamed answers count their whole generation).`,
      // ModelLatency is in microseconds. It is no rollback alarm: a streamed generation legitimately
      // runs for minutes and its length is the client's max_tokens, so a blue/green update would roll
      // back for nothing. Rollbacks watch the 5xx rate: a broken model fails, a slow one is only slow.
      threshold: t.modelLatencyP90Ms * 1000,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      metric: { ...invocation("ModelLatency"), stat: "p90" },
    },
  ];
}

/**
 * An inference component's alarms: its calls' error rates and latency, by InferenceComponentName
 * (SageMaker publishes a component's invocation metrics under it). Its instances are the endpoint's,
 * shared or managed by SageMaker, so no instance alarms of its own.
 */
export function componentAlarmSpecs(
  component: { readonly name: string; readonly baseName: string },
  t: Thresholds,
): AlarmSpec[] {
  // Named for the model's base name, so a new version's component updates the alarms in place.
  return invocationAlarmSpecs(component.baseName, { InferenceComponentName: component.name }, t);
}

export function endpointAlarmSpecs(capacity: Capacity, endpointName: string, t: Thresholds): AlarmSpec[] {
  const dims = { EndpointName: endpointName, VariantName: VARIANT };
  const specs = invocationAlarmSpecs(endpointName, dims, t);
  if (capacity.kind !== "instance") return specs;
  return [
    ...specs,
    ...instanceAlarmSpecs(capacity.type, endpointName, dims, t),
    saturationAlarmSpec(capacity, endpointName, dims, t),
  ];
}

/** CPU, memory and (with GPUs) GPU use of an endpoint's instances. SageMaker sums use over all cores and GPUs (0-100 per unit): the per-unit threshold is scaled. */
function instanceAlarmSpecs(type: string, endpointName: string, dims: Dimensions, t: Thresholds): AlarmSpec[] {
  const utilisation = (name: string): MetricRef => ({
    namespace: "/aws/sagemaker/Endpoints",
    name,
    dimensions: dims,
    stat: "Average",
    periodSeconds: 300,
  });
  const gpus = gpuCount(type) ?? 0;
  const spec = (id: string, name: string, description: string, threshold: number, metric: string): AlarmSpec => ({
    id,
    name: `${endpointName}-${name}`,
    description,
    threshold,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    metric: utilisation(metric),
  });
  return [
    spec(
      "cpu",
      "cpu",
      `CPU over ${t.cpuPercent}% per vCPU on ${endpointName}: pre/post-processing is the bottleneck.`,
      t.cpuPercent * vcpuCount(type),
      "CPUUtilization",
    ),
    spec(
      "memory",
      "memory",
      `Instance memory over ${t.memoryPercent}% on ${endpointName}.`,
      t.memoryPercent,
      "MemoryUtilization",
    ),
    ...(gpus > 0
      ? [
          spec(
            "gpu",
            "gpu",
            `GPU use over ${t.gpuUtilizationPercent}% per GPU on ${endpointName}: add instances or a larger type.`,
            t.gpuUtilizationPercent * gpus,
            "GPUUtilization",
          ),
          spec(
            "gpu-memory",
            "gpu-memory",
            `GPU memory over ${t.gpuMemoryPercent}% per GPU on ${endpointName}: lower MAX_TOTAL_TOKENS or quantize.`,
            t.gpuMemoryPercent * gpus,
            "GPUMemoryUtilization",
          ),
        ]
      : []),
  ];
}

/** More invocations per instance than it can serve, even after scaling out. */
function saturationAlarmSpec(
  capacity: Extract<Capacity, { kind: "instance" }>,
  endpointName: string,
  dims: Dimensions,
  t: Thresholds,
): AlarmSpec {
  const scaling = capacity.autoscaling;
  const target = scaling?.metric === "invocationsPerInstance" ? scaling.targetValue * 1.5 : 120;
  const saturation = t.invocationsPerInstancePerMinute ?? target;
  return {
    id: "saturation",
    name: `${endpointName}-no-capacity`,
    description: `Over ${saturation} invocations per instance per minute on ${endpointName}: no spare capacity${scaling ? " even after scaling out (raise maxCapacity)" : " (add autoscaling or instances)"}.`,
    threshold: saturation,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    metric: {
      namespace: "AWS/SageMaker",
      name: "InvocationsPerInstance",
      dimensions: dims,
      stat: "Sum",
      periodSeconds: 60,
    },
  };
}
