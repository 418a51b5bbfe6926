import { num, obj, type Issue } from "./loose";

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
    issue([...at, "modelPackageArn"], `${why} this product builds from a container image. Fix: minCapacity 1, or a huggingFace or custom model`);
  if (m.deployment !== undefined)
    issue(
      [...at, "deployment"],
      `${why} SageMaker updates copy by copy (a rolling update watched by the model's alarms), not blue/green. Fix: remove deployment`,
    );
  if (m.dataCapture !== undefined) issue([...at, "dataCapture"], `${why} has no data capture in this product. Fix: remove dataCapture, or minCapacity 1`);
  if ((obj(m.autoscaling)?.schedules as unknown[] | undefined)?.length)
    issue(
      [...at, "autoscaling", "schedules"],
      "with minCapacity 0 the model scales in to zero by itself when idle, and wakes on the next request. Fix: remove schedules",
    );
  if (obj(m.autoscaling)?.metric === "concurrentRequestsPerModel") issue([...at, "autoscaling", "metric"], toZeroMetricIssue("minCapacity 1"));
  if (m.integration === "direct")
    issue([...at, "integration"], `${why} API Gateway's direct integration cannot name. Fix: integration "lambda" (the default), or minCapacity 1`);
}
