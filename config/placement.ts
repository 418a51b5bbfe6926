import { gpuCount } from "../reference/instance-types";
import { num, obj, type Issue } from "./loose";
import { toZeroMetricIssue } from "./scale-to-zero";

const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => obj(x) !== undefined) : [];

/**
 * Models placed on shared endpoints: each names an endpoint of the config, takes no more GPUs than
 * an instance has, and at most copies the endpoint can hold; together they fit the endpoint at their
 * most, with room for one more copy of each: a new version of a model is a new component whose copy
 * starts before the old one goes, and one apply (a new serving image, say) may replace them all.
 * What synth cannot check (host memory: this product has no table of it) SageMaker refuses when it
 * places a copy.
 */
export function checkPlacements(config: Record<string, unknown>, issue: Issue): void {
  const endpoints = list(config.endpoints);
  const models = list(config.models);
  checkEndpoints(endpoints, models, issue);
  // GPUs each endpoint's models take at their most, and while a new version of each starts beside the old.
  const used = new Map<unknown, number>();
  const switching = new Map<unknown, number>();
  models.forEach((m, i) => {
    const placement = obj(m.placement);
    if (!placement) return;
    const host = endpoints.find((e) => e.name === placement.endpoint);
    if (!host) {
      const names = endpoints.map((e) => `"${String(e.name)}"`).join(", ");
      const fix = names ? `use one of ${names}` : "add it to endpoints";
      return issue(
        ["models", i, "placement", "endpoint"],
        `"${String(placement.endpoint)}" is not in endpoints. Fix: ${fix}`,
      );
    }
    checkPlacedModel(m, i, new Set(models.map((other) => other.name)), issue);
    const gpus = copyGpus(placement, host, endpoints.indexOf(host), ["models", i, "placement"], issue);
    if (gpus === undefined) return;
    used.set(host.name, (used.get(host.name) ?? 0) + gpus * (num(placement.maxCopies) ?? 1));
    switching.set(host.name, (switching.get(host.name) ?? 0) + gpus);
  });
  endpoints.forEach((e, i) => checkEndpointRoom(e, i, used.get(e.name), switching.get(e.name) ?? 0, issue));
}

/** Shared endpoints: named once, not as a model, min within max, and hosting a model. */
function checkEndpoints(endpoints: Record<string, unknown>[], models: Record<string, unknown>[], issue: Issue): void {
  const modelNames = new Set(models.map((m) => m.name));
  const seen = new Set<unknown>();
  endpoints.forEach((e, i) => {
    if (seen.has(e.name))
      issue(
        ["endpoints", i, "name"],
        `"${String(e.name)}" is already used by another endpoint. Fix: give every endpoint a unique name`,
      );
    seen.add(e.name);
    // Endpoint names are <project>-<stage>-<name> for models and shared endpoints alike.
    if (modelNames.has(e.name))
      issue(
        ["endpoints", i, "name"],
        `"${String(e.name)}" is also a model's name, and both would name one endpoint. Fix: rename the endpoint`,
      );
    const min = num(e.minInstances);
    const max = num(e.maxInstances);
    if (min !== undefined && max !== undefined && min > max)
      issue(
        ["endpoints", i, "minInstances"],
        `${min} is greater than maxInstances (${max}). Fix: make minInstances <= maxInstances`,
      );
    if (!models.some((m) => obj(m.placement)?.endpoint === e.name))
      issue(
        ["endpoints", i],
        `no model is placed on "${String(e.name)}". Fix: remove it, or give a model placement.endpoint "${String(e.name)}"`,
      );
  });
}

/** A placed model is an inference component: no settings of an endpoint's own, no package, no direct integration. */
function checkPlacedModel(m: Record<string, unknown>, i: number, modelNames: ReadonlySet<unknown>, issue: Issue): void {
  const placement = obj(m.placement)!;
  // Its component is named <endpoint>-<model>, as another model's own would be named <model>.
  const componentName = `${String(placement.endpoint)}-${String(m.name)}`;
  if (modelNames.has(componentName))
    issue(
      ["models", i, "name"],
      `on "${String(placement.endpoint)}" its component is named "${componentName}", as the model "${componentName}" names its own. Fix: rename one of them`,
    );
  for (const field of ["autoscaling", "deployment", "dataCapture"] as const)
    if (m[field] !== undefined)
      issue(
        ["models", i, field],
        `a placed model is an inference component: ${field === "autoscaling" ? "its copies are placement.minCopies and maxCopies" : "SageMaker updates it copy by copy, without it"}. Fix: remove ${field}`,
      );
  if (m.modelPackageArn !== undefined)
    issue(
      ["models", i, "modelPackageArn"],
      "a placed model is built from a container image. Fix: a huggingFace or custom model",
    );
  if (m.integration === "direct")
    issue(
      ["models", i, "integration"],
      'API Gateway\'s direct integration cannot name an inference component. Fix: integration "lambda" (the default)',
    );
  if (placement.metric === "concurrentRequestsPerModel" && !num(placement.minCopies))
    issue(["models", i, "placement", "metric"], toZeroMetricIssue("minCopies 1"));
}

/** The GPUs a copy takes, when they fit the host's instances at the model's maxCopies; undefined (with the issue) when not. */
function copyGpus(
  placement: Record<string, unknown>,
  host: Record<string, unknown>,
  hostIndex: number,
  at: (string | number)[],
  issue: Issue,
): number | undefined {
  const type = typeof host.instanceType === "string" ? host.instanceType : "";
  const instanceGpus = gpuCount(type);
  const gpus = num(placement.gpus);
  const maxCopies = num(placement.maxCopies) ?? 1;
  const maxInstances = num(host.maxInstances) ?? 1;
  if (instanceGpus === undefined) {
    if (gpus !== undefined)
      issue(
        [...at, "gpus"],
        `${type} has no GPUs in this product's table (reference/instance-types.ts). Fix: remove gpus, or use a GPU instance type`,
      );
    return undefined;
  }
  if (gpus === undefined) {
    const plural = instanceGpus > 1 ? "s" : "";
    issue(
      [...at, "gpus"],
      `is needed on ${type}, which has ${instanceGpus} GPU${plural}. Fix: set the GPUs each copy takes, 1-${instanceGpus}`,
    );
    return undefined;
  }
  if (gpus > instanceGpus) {
    issue(
      [...at, "gpus"],
      `${gpus} is more than ${type} has (${instanceGpus}). Fix: at most ${instanceGpus}, or a larger instance type for the endpoint`,
    );
    return undefined;
  }
  const perInstance = Math.floor(instanceGpus / gpus);
  if (maxCopies <= perInstance * maxInstances) return gpus;
  issue(
    [...at, "maxCopies"],
    `${maxCopies} copies of ${gpus} GPU${gpus > 1 ? "s" : ""} do not fit ${maxInstances} × ${type} (${perInstance} per instance). Fix: at most ${perInstance * maxInstances}, or raise endpoints[${hostIndex}].maxInstances`,
  );
  return undefined;
}

/** Together, the placed models fit the endpoint at their most, with room for one more copy of each. */
function checkEndpointRoom(
  e: Record<string, unknown>,
  i: number,
  gpus: number | undefined,
  switching: number,
  issue: Issue,
): void {
  const instanceGpus = typeof e.instanceType === "string" ? gpuCount(e.instanceType) : undefined;
  const max = num(e.maxInstances);
  if (gpus === undefined || instanceGpus === undefined || max === undefined) return;
  const needed = gpus + switching;
  if (needed <= instanceGpus * max) return;
  issue(
    ["endpoints", i, "maxInstances"],
    `the models placed here take ${gpus} GPUs at their maxCopies, and ${needed - gpus} more while a new version of each starts its copy beside the old one: ${needed}, more than ${max} × ${String(e.instanceType)} hold (${instanceGpus * max}). Fix: maxInstances ${Math.ceil(needed / instanceGpus)} (instances beyond those in use cost nothing), or lower the models' maxCopies`,
  );
}
