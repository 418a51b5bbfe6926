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
