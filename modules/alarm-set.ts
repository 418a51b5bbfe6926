import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { AlarmSpec, MetricRef } from "../deployment/operations/alarm-specs";

export interface AlarmSetProps {
  readonly specs: readonly AlarmSpec[];
  /** SNS topics told when an alarm fires and when it clears. @default - none */
  readonly actions?: readonly string[];
}

const PERCENTILE = /^p\d+(\.\d+)?$/;

function metricQuery(id: string, m: MetricRef) {
  return {
    id,
    returnData: false,
    metric: {
      namespace: m.namespace,
      metricName: m.name,
      dimensions: { ...m.dimensions },
      period: m.periodSeconds,
      stat: m.stat,
    },
  };
}

/** CloudWatch alarms from specs; missing data (no traffic) is not a breach. */
export class AlarmSet extends Construct {
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};

  constructor(scope: Construct, id: string, props: AlarmSetProps) {
    super(scope, id);
    const actions = props.actions ? [...props.actions] : undefined;
    for (const spec of props.specs) {
      const common = {
        alarmName: spec.name,
        alarmDescription: spec.description,
        comparisonOperator: spec.atOrAbove ? "GreaterThanOrEqualToThreshold" : "GreaterThanThreshold",
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: "notBreaching",
        alarmActions: actions,
        okActions: actions,
      };
      const m = spec.metric;
      this.alarms[spec.id] =
        "ratio" in m
          ? new CloudwatchMetricAlarm(this, spec.id, {
              ...common,
              metricQuery: [
                metricQuery("part", m.ratio[0]),
                metricQuery("whole", m.ratio[1]),
                { id: "rate", expression: "IF(whole > 0, part / whole, 0)", label: spec.name, returnData: true },
              ],
            })
          : new CloudwatchMetricAlarm(this, spec.id, {
              ...common,
              namespace: m.namespace,
              metricName: m.name,
              dimensions: { ...m.dimensions },
              period: m.periodSeconds,
              ...(PERCENTILE.test(m.stat) ? { extendedStatistic: m.stat } : { statistic: m.stat }),
            });
    }
  }
}

/** Where alarms notify; undefined when the config turns alarms off. */
export interface AlarmOptions {
  /** SNS topics. @default - none */
  readonly actions?: readonly string[];
}

/** An AlarmSet when alarms are on, else nothing. */
export function alarmsFor(
  scope: Construct,
  id: string,
  specs: readonly AlarmSpec[],
  options: AlarmOptions | undefined,
): AlarmSet | undefined {
  return options ? new AlarmSet(scope, id, { specs, actions: options.actions }) : undefined;
}
