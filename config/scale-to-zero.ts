import { num, obj, type Issue } from "./loose";
import { ANSWER_AFTER_HOLD_SECONDS, DEFAULT_WAKE_HOLD_SECONDS } from "../contract/wake";

/** A model that scales to zero: alone (autoscaling.minCapacity 0) or placed on a shared endpoint. */
export const wakesFromZero = (m: {
  readonly placement?: unknown;
  readonly autoscaling?: { readonly minCapacity?: unknown };
}): boolean => m.placement !== undefined || m.autoscaling?.minCapacity === 0;

/** The streaming functions' timeout when the config sets none: long enough to hold requests while a model wakes. */
export const defaultStreamTimeoutSeconds = (models: readonly Parameters<typeof wakesFromZero>[0][]): number =>
  models.some(wakesFromZero) ? 900 : 300;

/**
 * The functions that serve a model that scales to zero hold its streamed requests for
 * lambda.wakeHoldSeconds and then answer: their timeout must cover both, or Lambda ends them first.
 */
export function checkHoldFits(config: Record<string, unknown>, issue: Issue): void {
  const models = Array.isArray(config.models) ? (config.models.filter((m) => obj(m)) as Record<string, unknown>[]) : [];
  if (!models.some(wakesFromZero)) return;
  const lambda = obj(config.lambda);
  const hold = num(lambda?.wakeHoldSeconds) ?? DEFAULT_WAKE_HOLD_SECONDS;
  const needed = hold + ANSWER_AFTER_HOLD_SECONDS;
  const fix = `raise it to at least ${needed} (at most 900), or lower lambda.wakeHoldSeconds to at most`;
  const global = num(lambda?.streamTimeoutSeconds) ?? defaultStreamTimeoutSeconds(models);
  if (global < needed)
    issue(
      ["lambda", "streamTimeoutSeconds"],
      `${global} s does not cover holding a request ${hold} s while a model wakes from zero (lambda.wakeHoldSeconds) and ${ANSWER_AFTER_HOLD_SECONDS} s to answer after it. Fix: ${fix} ${global - ANSWER_AFTER_HOLD_SECONDS}`,
    );
  models.forEach((m, i) => {
    const own = num(obj(m.lambda)?.streamTimeoutSeconds);
    if (!wakesFromZero(m) || own === undefined || own >= needed) return;
    issue(
      ["models", i, "lambda", "streamTimeoutSeconds"],
      `${own} s does not cover holding a request ${hold} s while the model wakes from zero (lambda.wakeHoldSeconds) and ${ANSWER_AFTER_HOLD_SECONDS} s to answer after it. Fix: ${fix} ${own - ANSWER_AFTER_HOLD_SECONDS}`,
    );
  });
}

/**
 * Target tracking takes a component in to zero copies on invocations per copy: the metric AWS's
 * scale-to-zero procedure uses (SageMakerInferenceComponentInvocationsPerCopy, SageMaker developer
 * guide, "Scale an endpoint to zero instances"); no AWS page shows the concurrency metric doing so.
 */
export const toZeroMetricIssue = (fix: string) =>
  `concurrentRequestsPerModel is not documented to take a model in to zero: AWS scales components in to zero on invocations per copy. Fix: metric "invocationsPerInstance" (invocations per copy per minute), or ${fix}`;

/**
 * A model with autoscaling.minCapacity 0 runs as an inference component: SageMaker scales only
 * those (and their endpoints) to zero. What an inference component cannot carry is refused here,
 * by field, with the fix.
 */
export function checkScaleToZero(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  if (num(obj(m.autoscaling)?.minCapacity) !== 0) return;
  const why = "autoscaling.minCapacity 0 deploys the model as an inference component, which";
  if (m.serverless !== undefined) return; // refused already: serverless has no autoscaling
  if (m.modelPackageArn !== undefined)
    issue(
      [...at, "modelPackageArn"],
      `${why} this product builds from a container image. Fix: minCapacity 1, or a huggingFace or custom model`,
    );
  if (m.deployment !== undefined)
    issue(
      [...at, "deployment"],
      `${why} SageMaker updates copy by copy (a rolling update watched by the model's alarms), not blue/green. Fix: remove deployment`,
    );
  if (m.dataCapture !== undefined)
    issue(
      [...at, "dataCapture"],
      `${why} has no data capture in this product. Fix: remove dataCapture, or minCapacity 1`,
    );
  if (obj(m.autoscaling)?.metric === "concurrentRequestsPerModel")
    issue([...at, "autoscaling", "metric"], toZeroMetricIssue("minCapacity 1"));
  if (m.integration === "direct")
    issue(
      [...at, "integration"],
      `${why} API Gateway's direct integration cannot name. Fix: integration "lambda" (the default), or minCapacity 1`,
    );
}
