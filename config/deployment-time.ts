/**
 * How long a blue/green endpoint update keeps Terraform waiting. The AWS provider (5.100) waits a
 * fixed 60 minutes for the endpoint to be InService again, and the update counts the new fleet's
 * start (a GPU instance, the image and the weights: 10 to 15 minutes for a 7B model), every traffic
 * step's wait, and the old fleet's termination wait. An update that outlasts the wait fails the
 * apply midway, with the endpoint still updating.
 */
export const PROVIDER_ENDPOINT_WAIT_SECONDS = 3600;
export const FLEET_START_SECONDS = 900;

export interface DeploymentSettings {
  readonly strategy?: "allAtOnce" | "canary" | "linear";
  readonly stepPercent?: number;
  readonly waitSeconds?: number;
  readonly terminationWaitSeconds?: number;
}

/** Traffic steps, each followed by a wait: all at once, canary then the rest, or 100 / step linear steps. */
export function trafficSteps(d: DeploymentSettings): number {
  const strategy = d.strategy ?? "allAtOnce";
  if (strategy === "allAtOnce") return 1;
  if (strategy === "canary") return 2;
  return Math.ceil(100 / (d.stepPercent ?? 10));
}

/** Seconds from the start of the update until the endpoint is InService, as an estimate. */
export function blueGreenSeconds(d: DeploymentSettings): number {
  return FLEET_START_SECONDS + trafficSteps(d) * (d.waitSeconds ?? 300) + (d.terminationWaitSeconds ?? 0);
}
