import type { Deployment } from "../deployment";
import { functionLogGroupName, keyTableSecretName, wakeUpAlarmName } from "../names";
import { componentOfHosting } from "../sagemaker/hosting";
import { componentNamePattern } from "../sagemaker/inference-component";

/**
 * What the stage stacks create under names synth knows exactly, for the deploy role to name one by
 * one rather than by the pattern <project>-*: with a pattern, a resource of that shape that another
 * product created without tags could be tagged as this project's (a create's tags are authorized as
 * the service's tagging action on a resource with none yet) and then used. Hashed names (SageMaker
 * models and endpoint configs, a component's wake-up alarm) keep a pattern as narrow as the hash.
 * The tag, not the name, guards the use of what exists: these are what a create may tag.
 */
export interface ExactNames {
  readonly functions: readonly string[];
  /** SageMaker endpoints: the models' own and the shared ones. */
  readonly endpoints: readonly string[];
  /** Inference components: each one's name up to its 8-hex hash, then any hash. */
  readonly components: readonly string[];
  /** Function and access log groups. */
  readonly logGroups: readonly string[];
  /** Alarm names, and patterns only where the name ends in a hash. */
  readonly alarms: readonly string[];
  /** The alarm topic, where the stack makes one for an email. */
  readonly topics: readonly string[];
  /** The authorizer's key tables. */
  readonly secrets: readonly string[];
}

export function exactNamesOf(stages: readonly Deployment[]): ExactNames {
  const unique = (names: readonly string[]) => [...new Set(names)];
  const functions = stages.flatMap((d) => d.functions.map((f) => f.functionName));
  return {
    functions: unique(functions),
    endpoints: unique(
      stages.flatMap((d) => [
        ...d.models.flatMap((m) => (m.hosting.kind === "existing" ? [] : [m.hosting.endpointName])),
        ...d.sharedEndpoints.map((e) => e.endpointName),
      ]),
    ),
    components: unique(stages.flatMap((d) => d.models.flatMap((m) => componentPattern(m.hosting) ?? []))),
    logGroups: unique([...functions.map(functionLogGroupName), ...stages.map((d) => d.names.accessLogGroup)]),
    alarms: unique(stages.flatMap(alarmNames)),
    // The stack makes the topic for an email whether or not alarms are on.
    topics: unique(stages.flatMap((d) => (d.alarms.email ? [d.names.alarmTopic] : []))),
    secrets: unique(stages.flatMap((d) => (d.consumers?.length ? [keyTableSecretName(d.names.prefix)] : []))),
  };
}

/** A component's name with its hash left open: a new version of the model is a new component. */
const componentPattern = (hosting: Deployment["models"][number]["hosting"]): string | undefined => {
  const component = componentOfHosting(hosting);
  return component ? componentNamePattern(component.name) : undefined;
};

function alarmNames(d: Deployment): string[] {
  const models = d.models.flatMap((m) => {
    const component = componentPattern(m.hosting);
    const specs = m.hosting.kind === "existing" ? [] : m.hosting.alarms.map((s) => s.name);
    return component ? [...specs, wakeUpAlarmName(component)] : specs;
  });
  return [...d.apiAlarms.map((s) => s.name), ...d.functions.flatMap((f) => f.alarms.map((s) => s.name)), ...models];
}
