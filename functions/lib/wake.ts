import { AwsCallError, awsJsonCall } from "./aws-json";
import { log } from "./log";
import { WAKE_COOLDOWN_SECONDS } from "../../contract/wake";

/**
 * Starts a copy of an inference component that scaled to zero, at once, instead of waiting for the
 * NoCapacityInvocationFailures alarm (which stays as the backstop): UpdateInferenceComponentRuntimeConfig
 * to one copy, only while SageMaker wants none (a copy already asked for is left alone), at most once
 * per component per container every WAKE_COOLDOWN_SECONDS. Called only after SageMaker refused a
 * call for want of a copy: a warm model's requests never make it.
 */
export type WakeOutcome = "asked" | "waking" | "recent" | "failed";

const lastAsked = new Map<string, number>();

/** SageMaker's answer to a second update while one runs: someone else woke it. */
const UPDATING = /in progress|being updated|already|updating/i;

export async function wake(component: string, requestId?: string): Promise<WakeOutcome> {
  const now = Date.now();
  if (now - (lastAsked.get(component) ?? -Infinity) < WAKE_COOLDOWN_SECONDS * 1000) return "recent";
  lastAsked.set(component, now);
  try {
    const described = await awsJsonCall<{ RuntimeConfig?: { DesiredCopyCount?: number } }>(
      "sagemaker",
      "DescribeInferenceComponent",
      {
        InferenceComponentName: component,
      },
    );
    if ((described.RuntimeConfig?.DesiredCopyCount ?? 0) > 0) return "waking";
    await awsJsonCall("sagemaker", "UpdateInferenceComponentRuntimeConfig", {
      InferenceComponentName: component,
      DesiredRuntimeConfig: { CopyCount: 1 },
    });
    log("info", "wake_started", { requestId, component });
    return "asked";
  } catch (err) {
    if (err instanceof AwsCallError && UPDATING.test(err.message)) return "waking";
    // The alarm on NoCapacityInvocationFailures still starts a copy; the request holds either way.
    log("warn", "wake failed", { requestId, component, error: (err as Error).name });
    return "failed";
  }
}

/** Forgets the wakes this container asked for (tests). */
export function resetWakes(): void {
  lastAsked.clear();
}
