/**
 * GPUs per SageMaker inference instance type. TGI shards the model across
 * all of them (`SM_NUM_GPUS`), so an unknown type would give a wrong shard count.
 */
export const GPU_COUNT: Readonly<Record<string, number>> = Object.freeze({
  "ml.g4dn.xlarge": 1,
  "ml.g4dn.2xlarge": 1,
  "ml.g4dn.4xlarge": 1,
  "ml.g4dn.8xlarge": 1,
  "ml.g4dn.16xlarge": 1,
  "ml.g4dn.12xlarge": 4,
  "ml.g5.xlarge": 1,
  "ml.g5.2xlarge": 1,
  "ml.g5.4xlarge": 1,
  "ml.g5.8xlarge": 1,
  "ml.g5.16xlarge": 1,
  "ml.g5.12xlarge": 4,
  "ml.g5.24xlarge": 4,
  "ml.g5.48xlarge": 8,
  "ml.g6.xlarge": 1,
  "ml.g6.2xlarge": 1,
  "ml.g6.4xlarge": 1,
  "ml.g6.8xlarge": 1,
  "ml.g6.16xlarge": 1,
  "ml.g6.12xlarge": 4,
  "ml.g6.24xlarge": 4,
  "ml.g6.48xlarge": 8,
  "ml.g6e.xlarge": 1,
  "ml.g6e.2xlarge": 1,
  "ml.g6e.4xlarge": 1,
  "ml.g6e.8xlarge": 1,
  "ml.g6e.16xlarge": 1,
  "ml.g6e.12xlarge": 4,
  "ml.g6e.24xlarge": 4,
  "ml.g6e.48xlarge": 8,
  "ml.p3.2xlarge": 1,
  "ml.p3.8xlarge": 4,
  "ml.p3.16xlarge": 8,
  "ml.p4d.24xlarge": 8,
  "ml.p4de.24xlarge": 8,
  "ml.p5.48xlarge": 8,
  "ml.p5e.48xlarge": 8,
  "ml.p5en.48xlarge": 8,
});

export const GPU_INSTANCE_TYPES: readonly string[] = Object.freeze(Object.keys(GPU_COUNT));

export function gpuCount(instanceType: string): number | undefined {
  return GPU_COUNT[instanceType];
}

/**
 * Memory of one GPU, in GB, per instance family: the accelerator each family carries, from AWS's
 * instance type pages as this product records them (g4dn T4, g5 A10G, g6 L4, g6e L40S, p3 V100,
 * p4d A100 40 GB, p4de A100 80 GB, p5 H100, p5e and p5en H200).
 */
export const GPU_MEMORY_GB: Readonly<Record<string, number>> = Object.freeze({
  g4dn: 16,
  g5: 24,
  g6: 24,
  g6e: 48,
  p3: 16,
  p4d: 40,
  p4de: 80,
  p5: 80,
  p5e: 141,
  p5en: 141,
});

/** All GPU memory of an instance type, in GB; undefined for types without a known GPU. */
export function gpuMemoryGb(instanceType: string): number | undefined {
  const count = gpuCount(instanceType);
  const perGpu = GPU_MEMORY_GB[instanceType.split(".")[1]];
  return count === undefined || perGpu === undefined ? undefined : count * perGpu;
}
