import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { InstanceCapacity } from "../deployment/resolve";
import { COMPONENT_METRIC } from "../deployment/sagemaker/inference-component";
import { wakeUpAlarmName } from "../deployment/names";
import { targetTracking } from "../deployment/sagemaker/scaling";

export interface ComponentScalingProps {
  readonly componentName: string;
  readonly scaling: NonNullable<InstanceCapacity["autoscaling"]>;
  /** The component: its scalable target exists only once the component does. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Copies of an inference component from 0 ("Scale an endpoint to zero instances", SageMaker
 * developer guide): target tracking scales copies with load and in to zero when idle; at zero
 * copies only a step scaling policy brings one back, on an alarm on NoCapacityInvocationFailures,
 * which SageMaker emits for each request it had no copy for. Schedules move the minimum (a copy
 * kept in office hours, none outside) and maximum.
 */
export class ComponentScaling extends Construct {
  readonly wakeUpAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: ComponentScalingProps) {
    super(scope, id);
    const { componentName, scaling } = props;
    // A component is replaced only by one of another name (on another endpoint): its scaling is
    // created beside it before the old goes, as it is (Terraform cannot order a replacement that
    // destroys first after one that creates first).
    const lifecycle = { createBeforeDestroy: true };
    const target = new AppautoscalingTarget(this, "target", {
      lifecycle,
      dependsOn: props.dependsOn,
      serviceNamespace: "sagemaker",
      scalableDimension: "sagemaker:inference-component:DesiredCopyCount",
      resourceId: `inference-component/${componentName}`,
      minCapacity: scaling.minCapacity,
      maxCapacity: scaling.maxCapacity,
      // Scheduled actions move min and max; the next deploy must not move them back.
      ...(scaling.schedules.length > 0
        ? { lifecycle: { ...lifecycle, ignoreChanges: ["min_capacity", "max_capacity"] } }
        : {}),
    });
    const onTarget = {
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
    };
    const tracking = new AppautoscalingPolicy(this, "tracking", {
      ...onTarget,
      lifecycle,
      name: `${componentName}-${scaling.metric}`,
      policyType: "TargetTrackingScaling",
      targetTrackingScalingPolicyConfiguration: targetTracking(scaling, COMPONENT_METRIC[scaling.metric]),
    });
    // Chained: Application Auto Scaling refuses concurrent changes to one scalable target. The
    // backstop of the handlers' own wake: exactly one copy, since CloudWatch repeats an Auto Scaling
    // action every period while the alarm stays in ALARM (a +1 would add a copy each minute of a wake).
    const wake = new AppautoscalingPolicy(this, "wake-up", {
      ...onTarget,
      lifecycle,
      dependsOn: [tracking],
      name: `${componentName}-wake-up`,
      policyType: "StepScaling",
      stepScalingPolicyConfiguration: {
        adjustmentType: "ExactCapacity",
        metricAggregationType: "Maximum",
        cooldown: 60,
        stepAdjustment: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
      },
    });
    this.wakeUpAlarm = wakeUpAlarm(this, componentName, wake.arn, lifecycle);
    // Chained after the policies, one after another, for the same reason.
    let previous: ITerraformDependable = wake;
    for (const schedule of scaling.schedules) {
      previous = new AppautoscalingScheduledAction(this, `schedule-${schedule.name}`, {
        ...onTarget,
        lifecycle,
        dependsOn: [previous],
        name: `${componentName}-${schedule.name}`,
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

/** The alarm that sets the wake-up policy off: a request SageMaker had no copy for. */
function wakeUpAlarm(
  scope: Construct,
  componentName: string,
  wakeArn: string,
  lifecycle: { createBeforeDestroy: boolean },
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, "wake-up-alarm", {
    lifecycle,
    alarmName: wakeUpAlarmName(componentName),
    alarmDescription: `A request found ${componentName} at zero copies: start one.`,
    namespace: "AWS/SageMaker",
    metricName: "NoCapacityInvocationFailures",
    dimensions: { InferenceComponentName: componentName },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    // No refusals means nothing to wake: the alarm goes back to OK instead of repeating its action.
    treatMissingData: "notBreaching",
    alarmActions: [wakeArn],
  });
}
