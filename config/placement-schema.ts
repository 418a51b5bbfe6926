import { z } from "zod";

/**
 * Shared endpoints: several models, each an inference component, on one endpoint's instances, which
 * SageMaker adds and removes as the components' copies need them (from 0 when they all idle).
 */
const NAME = /^[a-z0-9-]+$/;
export const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[0-9]*x?large$/;

const METRICS = ["invocationsPerInstance", "concurrentRequestsPerModel"] as const;

/** Target tracking, as autoscaling (per instance) and placement (per copy) both take it. */
export function trackingFields(unit: "instance" | "copy", metric: (typeof METRICS)[number]) {
  const target = z.number().positive().describe(`Target value of the metric per ${unit}.`);
  return {
    metric: z
      .enum(METRICS)
      .default(metric)
      .describe(
        unit === "instance"
          ? "invocationsPerInstance (1-minute metric) or concurrentRequestsPerModel (high-resolution, reacts in seconds)."
          : "What target tracking holds per copy: invocations per minute, or concurrent requests (reacts in seconds).",
      ),
    targetValue: target,
  };
}

export const sharedEndpointSchema = z.strictObject({
  name: z
    .string()
    .regex(NAME, { error: "must use only lower-case letters, digits and '-'. Fix: rename it, e.g. \"shared-gpu\"" })
    .max(32)
    .describe("Part of the endpoint's name; models name it in placement.endpoint."),
  instanceType: z
    .string()
    .regex(INSTANCE_TYPE, {
      error:
        'must be a SageMaker instance type like "ml.g6e.12xlarge". Fix: use a type from the SageMaker inference pricing page',
    })
    .describe("Instance type of the endpoint; multi-GPU types hold several models."),
  minInstances: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(0)
    .describe("Instances kept when every model idles: 0 costs nothing."),
  maxInstances: z.number().int().min(1).max(100).describe("Most instances SageMaker may start for the models' copies."),
  volumeSizeGb: z.number().int().min(1).max(512).optional().describe("ML storage volume per instance, GB."),
});

// Invocations per copy by default: the metric that takes a component in to zero (see scale-to-zero.ts).
const copyTracking = trackingFields("copy", "invocationsPerInstance");

export const placementSchema = z
  .strictObject({
    endpoint: z.string().min(1).describe("The shared endpoint (an entry of endpoints) the model runs on."),
    gpus: z
      .number()
      .int()
      .min(1)
      .max(8)
      .optional()
      .describe("GPUs each copy takes (the server shards over them). Leave out on a CPU instance type."),
    memoryMb: z.number().int().min(128).describe("Host memory each copy asks for, MB."),
    minCopies: z.number().int().min(0).default(0).describe("Copies kept while idle: 0 lets the model scale to zero."),
    maxCopies: z.number().int().min(1).max(100).describe("Most copies under load."),
    ...copyTracking,
    targetValue: copyTracking.targetValue.default(4),
  })
  .describe("Run the model as an inference component on a shared endpoint, instead of instance or serverless.");
