import type { InstanceCapacity } from "../../config/schema";

type Scaling = NonNullable<InstanceCapacity["autoscaling"]>;

/** A target tracking policy's configuration: the config's target and cooldowns on one of AWS's predefined metrics. */
export function targetTracking(scaling: Scaling, predefinedMetricType: string) {
  return {
    targetValue: scaling.targetValue,
    scaleInCooldown: scaling.scaleInCooldownSeconds,
    scaleOutCooldown: scaling.scaleOutCooldownSeconds,
    predefinedMetricSpecification: { predefinedMetricType },
  };
}
