import { z } from "zod";

/** Where a model comes from: a Hugging Face Hub model served by a pinned container, or an image of the user's own. */

import { ECR_IMAGE, S3_PREFIX, S3_URI, SECRET_ARN } from "./patterns";
const QUANTIZE = [
  "awq",
  "gptq",
  "bitsandbytes",
  "bitsandbytes-nf4",
  "bitsandbytes-fp4",
  "eetq",
  "exl2",
  "fp8",
  "marlin",
] as const;

export const huggingFaceSource = z.strictObject({
  modelId: z
    .string()
    // Older models have ids without an owner ("gpt2", "bert-base-uncased").
    .regex(/^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      error:
        'must be a Hugging Face model id like "mistralai/Mistral-7B-Instruct-v0.2" or "gpt2". Fix: copy the id from the model\'s page',
    })
    .describe("Hugging Face Hub model id: owner/name, or a name alone for the older models that have none."),
  revision: z.string().min(1).optional().describe("Git revision (commit sha, branch or tag) to pin the weights."),
  weightsS3Uri: z
    .string()
    .regex(S3_PREFIX, {
      error:
        "must be an S3 prefix ending in /, like s3://my-models/qwen2.5-7b/. Fix: upload the model's files uncompressed under one prefix",
    })
    .optional()
    .describe(
      "Uncompressed S3 prefix holding the model's files (config, weights, tokenizer). SageMaker copies it to /opt/ml/model before the server starts, so a start (a wake from zero, a scale-out) reads S3 instead of the Hugging Face Hub; the server runs offline (HF_HUB_OFFLINE=1).",
    ),
  tokenSecretArn: z
    .string()
    .regex(SECRET_ARN, {
      error:
        "must be a Secrets Manager secret ARN. Fix: store the Hugging Face token in Secrets Manager and give its ARN; tokens are never read from this file",
    })
    .optional()
    .describe("ARN of a Secrets Manager secret holding the Hugging Face token, for gated models."),
  quantize: z.enum(QUANTIZE).optional().describe("TGI quantization (HF_MODEL_QUANTIZE)."),
  toolCallParser: z
    .string()
    .regex(/^[a-z0-9_]+$/, {
      error:
        'must be a vLLM tool-call parser name like "hermes", "llama3_json" or "mistral". Fix: use the parser for the model family',
    })
    .optional()
    .describe(
      'vLLM only: lets the model pick tools itself (tool_choice "auto") with this parser (OPTION_TOOL_CALL_PARSER), e.g. hermes for Qwen, llama3_json, mistral.',
    ),
  trustRemoteCode: z.boolean().default(false).describe("Allow model repositories that ship their own Python code."),
  fitCheck: z
    .boolean()
    .default(true)
    .describe(
      "Warn at synth when the weights (estimated from the parameter count in the model id) would not fit the GPU or serverless memory. false silences it.",
    ),
  task: z
    .string()
    .regex(/^[a-z0-9-]+$/, {
      error: 'must be a Hugging Face pipeline task like "text-generation". Fix: copy it from the model page',
    })
    .optional()
    .describe("Serverless (CPU inference toolkit) only: the pipeline task, HF_TASK. Default: text-generation."),
  maxInputTokens: z.number().int().min(1).optional().describe("Longest prompt in tokens (MAX_INPUT_TOKENS)."),
  maxTotalTokens: z.number().int().min(2).optional().describe("Prompt plus generated tokens (MAX_TOTAL_TOKENS)."),
  maxBatchPrefillTokens: z.number().int().min(1).optional().describe("MAX_BATCH_PREFILL_TOKENS."),
  image: z
    .string()
    .regex(ECR_IMAGE, {
      error: "must be an ECR image URI. Fix: use <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>",
    })
    .optional()
    .describe("Override the serving image (default: the pinned TGI image for the region)."),
});

export const customSource = z.strictObject({
  image: z
    .string()
    .regex(ECR_IMAGE, {
      error: "must be an ECR image URI. Fix: use <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>",
    })
    .describe("ECR image that serves /invocations and /ping on port 8080."),
  modelDataUrl: z
    .string()
    .regex(S3_URI, { error: "must be an S3 URI. Fix: use s3://<bucket>/<key> of a model.tar.gz" })
    .optional()
    .describe("S3 URI of model artifacts (model.tar.gz)."),
  environment: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
    .default({})
    .describe("Container environment."),
});
