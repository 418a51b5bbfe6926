import type { Capacity, HuggingFaceSource } from "./shape";
import { gpuCount, gpuMemoryGb } from "../reference/instance-types";

/**
 * Whether a model's weights fit where it is deployed: an estimate from the parameter count in the
 * model id ("7B", "8x7B", "0.5B") and the bytes per parameter its quantization leaves.
 */
const BYTES_PER_PARAMETER: Readonly<Record<string, number>> = {
  awq: 0.5,
  gptq: 0.5,
  "bitsandbytes-nf4": 0.5,
  "bitsandbytes-fp4": 0.5,
  exl2: 0.5,
  marlin: 0.5,
  bitsandbytes: 1,
  eetq: 1,
  fp8: 1,
};

/** Billions of parameters named in a model id, or undefined when it names none. */
export function parametersInBillions(modelId: string): number | undefined {
  const name = modelId.split("/").pop() ?? modelId;
  const experts = /(?:^|[^a-z0-9])(\d+)x(\d+(?:\.\d+)?)b(?![a-z0-9])/i.exec(name);
  if (experts) return Number(experts[1]) * Number(experts[2]);
  const plain = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z0-9])/i.exec(name);
  return plain ? Number(plain[1]) : undefined;
}

export interface Fit {
  readonly weightsGb: number;
  readonly memoryGb: number;
  readonly where: string;
  readonly bytesPerParameter: number;
  readonly billions: number;
}

/** The estimate when the weights alone take more than 90% of the memory (the KV cache and runtime need the rest); else undefined. */
export function misfit(source: HuggingFaceSource, capacity: Capacity): Fit | undefined {
  if (source.server === "tei") return undefined;
  const billions = parametersInBillions(source.modelId);
  if (billions === undefined) return undefined;
  // The serverless CPU toolkit loads weights in float32; TGI and vLLM in 16 bits unless quantized.
  const bytesPerParameter = capacity.kind === "serverless" ? 4 : (BYTES_PER_PARAMETER[source.quantize ?? ""] ?? 2);
  // A placed model has the GPUs its placement takes, not the whole instance's.
  const placed = capacity.kind === "instance" ? capacity.placement?.gpus : undefined;
  const instanceMemory = capacity.kind === "instance" ? gpuMemoryGb(capacity.type) : undefined;
  const memoryGb =
    capacity.kind === "serverless"
      ? capacity.memorySizeMb / 1024
      : placed !== undefined && instanceMemory !== undefined
        ? (instanceMemory / (gpuCount(capacity.type) ?? 1)) * placed
        : instanceMemory;
  if (memoryGb === undefined) return undefined;
  const weightsGb = billions * bytesPerParameter;
  const where =
    capacity.kind === "serverless"
      ? `a ${capacity.memorySizeMb} MB serverless endpoint`
      : `the ${memoryGb} GB of GPU memory of ${placed !== undefined ? `${placed} GPU${placed > 1 ? "s" : ""} of ` : ""}${capacity.type}`;
  return weightsGb > 0.9 * memoryGb ? { weightsGb, memoryGb, where, bytesPerParameter, billions } : undefined;
}
