import { createHash } from "node:crypto";
import type { Capacity, HuggingFaceSettings, ModelSource } from "../../config/schema";
import { gpuCount } from "../../reference/instance-types";
import {
  UnsupportedRegionError,
  hfCpuImage,
  lmiImage,
  parseEcrImage,
  tgiImage,
  type ImageRef,
} from "../../reference/images";
import { teiImage } from "../../reference/tei-images";

/** What the SageMaker model's primary container runs, computed from the config alone. */
export interface ContainerSpec {
  readonly image?: ImageRef;
  readonly modelPackageName?: string;
  readonly modelDataUrl?: string;
  /** An uncompressed S3 prefix SageMaker copies to /opt/ml/model before the container starts (ModelDataSource). */
  readonly modelDataPrefix?: string;
  /** Plain environment; the Hugging Face token is never here (see tokenSecretArn). */
  readonly environment: Readonly<Record<string, string>>;
  /** Secret whose value the stack passes in tokenVariable. */
  readonly tokenSecretArn?: string;
  /** Where the container reads the Hugging Face token: HF_TOKEN (TGI, LMI) or HF_API_TOKEN (the CPU inference toolkit). */
  readonly tokenVariable: "HF_TOKEN" | "HF_API_TOKEN";
  /** The container runs without network access. Only set when true, so the names of models without it stay as they were. */
  readonly networkIsolation?: true;
}

type HuggingFace = HuggingFaceSettings;

/** Text Generation Inference settings; SM_NUM_GPUS shards the model over every GPU of the instance, or those its placement takes. */
export function tgiEnvironment(hf: HuggingFace, instanceType: string, placedGpus?: number): Record<string, string> {
  const gpus = placedGpus ?? gpuCount(instanceType) ?? 1;
  const env: Record<string, string> = { HF_MODEL_ID: hf.modelId, SM_NUM_GPUS: String(gpus) };
  if (hf.revision) env.HF_MODEL_REVISION = hf.revision;
  if (hf.quantize) env.HF_MODEL_QUANTIZE = hf.quantize;
  if (hf.trustRemoteCode) env.HF_MODEL_TRUST_REMOTE_CODE = "true";
  if (hf.maxInputTokens !== undefined) env.MAX_INPUT_TOKENS = String(hf.maxInputTokens);
  if (hf.maxTotalTokens !== undefined) env.MAX_TOTAL_TOKENS = String(hf.maxTotalTokens);
  if (hf.maxBatchPrefillTokens !== undefined) env.MAX_BATCH_PREFILL_TOKENS = String(hf.maxBatchPrefillTokens);
  return env;
}

/**
 * Large Model Inference (vLLM engine) settings: the model is split over every GPU
 * of the instance (tensor parallel), and the context length is the token limit.
 * vLLM runs in LMI's async mode (the vllm_async_service entry point), which recent
 * LMI releases recommend; OPTION_ROLLING_BATCH=vllm would select the older rolling-batch
 * handler. Its streams are JSON lines as before: TGI-shaped token objects for generate
 * requests, OpenAI chunks for chat (djl_python/lmi_vllm/request_response_utils.py).
 */
export function lmiEnvironment(hf: HuggingFace, instanceType: string, placedGpus?: number): Record<string, string> {
  const gpus = placedGpus ?? gpuCount(instanceType) ?? 1;
  const env: Record<string, string> = {
    HF_MODEL_ID: hf.modelId,
    OPTION_ASYNC_MODE: "true",
    OPTION_ROLLING_BATCH: "disable",
    OPTION_ENTRYPOINT: "djl_python.lmi_vllm.vllm_async_service",
    // A container whose engine fails restarts instead of answering errors forever.
    SERVING_FAIL_FAST: "true",
    TENSOR_PARALLEL_DEGREE: String(gpus),
  };
  if (hf.revision) env.OPTION_REVISION = hf.revision;
  // AWQ and GPTQ checkpoints say so in their config, and vLLM then picks its fast (Marlin) kernels;
  // naming the method forces the slower ones. Only fp8, quantized on load, needs saying.
  if (hf.quantize === "fp8") env.OPTION_QUANTIZE = "fp8";
  if (hf.trustRemoteCode) env.OPTION_TRUST_REMOTE_CODE = "true";
  if (hf.maxTotalTokens !== undefined) env.OPTION_MAX_MODEL_LEN = String(hf.maxTotalTokens);
  if (hf.maxBatchPrefillTokens !== undefined) env.OPTION_MAX_NUM_BATCHED_TOKENS = String(hf.maxBatchPrefillTokens);
  // Tool choice "auto" needs vLLM's parser for the model family (LMI tool calling guide).
  if (hf.toolCallParser)
    Object.assign(env, { OPTION_ENABLE_AUTO_TOOL_CHOICE: "true", OPTION_TOOL_CALL_PARSER: hf.toolCallParser });
  return env;
}

/** Text Embeddings Inference reads the model id and revision (its SageMaker entry point maps them to its flags). */
export function teiEnvironment(hf: HuggingFace): Record<string, string> {
  const env: Record<string, string> = { HF_MODEL_ID: hf.modelId };
  if (hf.revision) env.HF_MODEL_REVISION = hf.revision;
  return env;
}

/**
 * Hugging Face inference toolkit settings for the CPU image used by serverless endpoints.
 * The toolkit reads HF_MODEL_ID, HF_MODEL_REVISION, HF_TASK, HF_TRUST_REMOTE_CODE and HF_API_TOKEN
 * (not TGI's HF_MODEL_TRUST_REMOTE_CODE and HF_TOKEN).
 */
export function hfCpuEnvironment(hf: HuggingFace): Record<string, string> {
  const env: Record<string, string> = { HF_MODEL_ID: hf.modelId, HF_TASK: hf.task ?? "text-generation" };
  if (hf.revision) env.HF_MODEL_REVISION = hf.revision;
  if (hf.trustRemoteCode) env.HF_TRUST_REMOTE_CODE = "true";
  return env;
}

/** What the container runs, with network isolation where asked: it is part of the spec, so a change makes a new model. */
export function containerSpec(
  source: ModelSource,
  capacity: Capacity,
  region: string,
  networkIsolation = false,
): ContainerSpec {
  const spec = unisolatedSpec(source, capacity, region);
  return networkIsolation ? { ...spec, networkIsolation: true } : spec;
}

/** Where SageMaker puts a model's data in the container, and the servers read a local model from. */
export const MODEL_DIR = "/opt/ml/model";

/**
 * Weights from an S3 prefix: the server loads the copy SageMaker made in /opt/ml/model and never
 * calls the Hub (TGI, vLLM in LMI and TEI all take a local path as the model id). A Hub revision
 * means nothing then.
 */
function withS3Weights(spec: ContainerSpec, prefix: string | undefined): ContainerSpec {
  if (!prefix) return spec;
  const { HF_MODEL_REVISION: _hubRevision, OPTION_REVISION: _lmiRevision, ...environment } = spec.environment;
  return {
    ...spec,
    modelDataPrefix: prefix,
    environment: { ...environment, HF_MODEL_ID: MODEL_DIR, HF_HUB_OFFLINE: "1" },
  };
}

function unisolatedSpec(source: ModelSource, capacity: Capacity, region: string): ContainerSpec {
  if (source.kind === "huggingFace")
    return withS3Weights(huggingFaceSpec(source, capacity, region), source.weightsS3Uri);
  if (source.kind === "custom") {
    return {
      image: parseEcrImage(source.image),
      modelDataUrl: source.modelDataUrl,
      environment: { ...source.environment },
      tokenVariable: "HF_TOKEN",
    };
  }
  return { modelPackageName: source.arn, environment: {}, tokenVariable: "HF_TOKEN" };
}

function huggingFaceSpec(
  hf: Extract<ModelSource, { kind: "huggingFace" }>,
  capacity: Capacity,
  region: string,
): ContainerSpec {
  const tokenSecretArn = hf.tokenSecretArn;
  if (hf.server === "tei") {
    const gpu = capacity.kind === "instance" && gpuCount(capacity.type) !== undefined;
    const image = hf.image ? parseEcrImage(hf.image) : teiImage(region, gpu);
    if (!image) throw new UnsupportedRegionError(region);
    return { image, environment: teiEnvironment(hf), tokenSecretArn, tokenVariable: "HF_TOKEN" };
  }
  if (capacity.kind === "instance" && hf.server === "vllm") {
    const image = hf.image ? parseEcrImage(hf.image) : lmiImage(region);
    return {
      image,
      environment: lmiEnvironment(hf, capacity.type, capacity.placement?.gpus),
      tokenSecretArn,
      tokenVariable: "HF_TOKEN",
    };
  }
  if (capacity.kind === "instance") {
    const image = hf.image ? parseEcrImage(hf.image) : tgiImage(region);
    return {
      image,
      environment: tgiEnvironment(hf, capacity.type, capacity.placement?.gpus),
      tokenSecretArn,
      tokenVariable: "HF_TOKEN",
    };
  }
  return {
    image: hf.image ? parseEcrImage(hf.image) : hfCpuImage(region),
    environment: hfCpuEnvironment(hf),
    tokenSecretArn,
    tokenVariable: "HF_API_TOKEN",
  };
}

/** 8 hex characters that change whenever the container spec does. */
export function specHash(spec: ContainerSpec, rolePath?: string): string {
  // The default token variable stays out of the hash, so models deployed before it was a field keep their names.
  const { tokenVariable, ...rest } = spec;
  const hashed = tokenVariable === "HF_TOKEN" ? rest : spec;
  return createHash("sha256")
    .update(JSON.stringify(rolePath === undefined ? hashed : { ...hashed, rolePath }))
    .digest("hex")
    .slice(0, 8);
}
