import { z } from "zod";
import { INSTANCE_TYPE, placementSchema, trackingFields } from "./placement-schema";

/** The model entries of the config file: what to serve, on what, and how the API reaches it. */

export const NAME = /^[a-z0-9-]+$/;
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[A-Za-z0-9/-]+$/;
const ECR_IMAGE = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/;
export const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const S3_PREFIX = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(.+\/)?$/;
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

const QUANTIZE = ["awq", "gptq", "bitsandbytes", "bitsandbytes-nf4", "bitsandbytes-fp4", "eetq", "exl2", "fp8", "marlin"] as const;

const huggingFace = z.strictObject({
  modelId: z
    .string()
    // Older models have ids without an owner ("gpt2", "bert-base-uncased").
    .regex(/^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      error: 'must be a Hugging Face model id like "mistralai/Mistral-7B-Instruct-v0.2" or "gpt2". Fix: copy the id from the model\'s page',
    })
    .describe("Hugging Face Hub model id: owner/name, or a name alone for the older models that have none."),
  revision: z.string().min(1).optional().describe("Git revision (commit sha, branch or tag) to pin the weights."),
  weightsS3Uri: z
    .string()
    .regex(S3_PREFIX, {
      error: "must be an S3 prefix ending in /, like s3://my-models/qwen2.5-7b/. Fix: upload the model's files uncompressed under one prefix",
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
      error: 'must be a vLLM tool-call parser name like "hermes", "llama3_json" or "mistral". Fix: use the parser for the model family',
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
    .regex(/^[a-z0-9-]+$/, { error: 'must be a Hugging Face pipeline task like "text-generation". Fix: copy it from the model page' })
    .optional()
    .describe("Serverless (CPU inference toolkit) only: the pipeline task, HF_TASK. Default: text-generation."),
  maxInputTokens: z.number().int().min(1).optional().describe("Longest prompt in tokens (MAX_INPUT_TOKENS)."),
  maxTotalTokens: z.number().int().min(2).optional().describe("Prompt plus generated tokens (MAX_TOTAL_TOKENS)."),
  maxBatchPrefillTokens: z.number().int().min(1).optional().describe("MAX_BATCH_PREFILL_TOKENS."),
  image: z
    .string()
    .regex(ECR_IMAGE, { error: "must be an ECR image URI. Fix: use <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>" })
    .optional()
    .describe("Override the serving image (default: the pinned TGI image for the region)."),
});

const custom = z.strictObject({
  image: z
    .string()
    .regex(ECR_IMAGE, { error: "must be an ECR image URI. Fix: use <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>" })
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

const instance = z.strictObject({
  type: z
    .string()
    .regex(INSTANCE_TYPE, { error: 'must be a SageMaker instance type like "ml.g5.2xlarge". Fix: use a type from the SageMaker inference pricing page' })
    .describe("SageMaker instance type."),
  initialCount: z.number().int().min(1).max(100).default(1).describe("Instances when the endpoint is created."),
  volumeSizeGb: z.number().int().min(1).max(512).optional().describe("ML storage volume per instance, GB."),
});

const serverless = z.strictObject({
  memorySizeMb: z.literal([1024, 2048, 3072, 4096, 5120, 6144]).describe("Memory per serverless worker: 1024, 2048, 3072, 4096, 5120 or 6144."),
  maxConcurrency: z.number().int().min(1).max(200).default(5).describe("Concurrent invocations (1-200)."),
});

const schedule = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, { error: "must be letters, digits or '-'. Fix: e.g. \"night\"" })
    .describe("Names the scheduled action."),
  schedule: z
    .string()
    .regex(/^(cron\(.+\)|rate\(.+\)|at\(.+\))$/, { error: 'must be an Application Auto Scaling schedule. Fix: e.g. "cron(0 20 ? * MON-FRI *)"' })
    .describe("cron(...), rate(...) or at(...)."),
  timezone: z.string().min(1).default("UTC").describe("IANA time zone of the cron expression, e.g. Europe/Berlin."),
  minCapacity: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Fewest instances (copies, for a model that scales to zero) from this time on; 0 only where autoscaling.minCapacity is 0."),
  maxCapacity: z.number().int().min(1).optional().describe("Most instances from this time on."),
});

const autoscaling = z.strictObject({
  minCapacity: z
    .number()
    .int()
    .min(0)
    .describe(
      "Fewest instances. 0 scales the model to zero when idle: it is deployed as an inference component, and the first request after idle gets a 503 while an instance starts (minutes).",
    ),
  maxCapacity: z.number().int().min(1).max(100).describe("Most instances (copies, for a model that scales to zero)."),
  ...trackingFields("instance", "invocationsPerInstance"),
  scaleInCooldownSeconds: seconds(0, 3600).default(300).describe("Wait after a scale-in before the next one."),
  scaleOutCooldownSeconds: seconds(0, 3600).default(60).describe("Wait after a scale-out before the next one."),
  schedules: z.array(schedule).default([]).describe("Scheduled capacity changes, e.g. scale down at night."),
});

const deploymentSchema = z.strictObject({
  strategy: z.enum(["allAtOnce", "canary", "linear"]).default("allAtOnce").describe("How traffic moves to the new fleet in a blue/green update."),
  stepPercent: z.number().int().min(1).max(50).default(10).describe("Canary size, or linear step, in percent of capacity."),
  waitSeconds: z.number().int().min(0).max(3600).default(300).describe("Time at each step while the rollback alarms watch."),
  terminationWaitSeconds: z.number().int().min(0).max(3600).default(0).describe("Keep the old fleet this long after the switch."),
  maxExecutionSeconds: z
    .number()
    .int()
    .min(600)
    .max(14400)
    .optional()
    .describe("Give up (and roll back) after this long: 600-14,400 s, as the Terraform provider validates it."),
});

const dataCapture = z.strictObject({
  s3Uri: z
    .string()
    .regex(S3_URI, { error: "must be an S3 URI. Fix: use s3://<bucket>/<prefix>" })
    .describe("Where SageMaker writes captured requests and responses."),
  samplingPercent: z.number().int().min(1).max(100).default(10).describe("Share of requests captured, percent."),
  captureContent: z.enum(["both", "input", "output"]).default("both").describe("Capture requests, responses or both."),
  kmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, { error: "must be a KMS key ARN. Fix: copy it from KMS" })
    .optional()
    .describe("KMS key that encrypts the captured data; the execution role may use it."),
});

const statement = z.strictObject({
  Sid: z
    .string()
    .regex(/^[A-Za-z0-9]*$/)
    .optional()
    .describe("Statement id."),
  Effect: z.enum(["Allow", "Deny"]).default("Allow").describe("Allow or Deny."),
  Action: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]).describe('IAM actions, e.g. "dynamodb:GetItem".'),
  Resource: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('ARNs the actions apply to ("*" is refused).'),
});

const functionSettings = z.strictObject({
  timeoutSeconds: seconds(3, 900).optional().describe("Of the model's /invoke function (API Gateway still ends buffered calls at 29 s)."),
  streamTimeoutSeconds: seconds(3, 900).optional().describe("Of the model's /stream function (default: lambda.streamTimeoutSeconds)."),
  memorySizeMb: z.number().int().min(128).max(10240).optional().describe("Memory of the model's functions, MB (default: lambda.memorySizeMb)."),
  reservedConcurrency: z.number().int().min(0).max(1000).optional().describe("Reserve (and cap) concurrent executions of each of the model's functions."),
  environment: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .refine((k) => !/(TOKEN|SECRET|PASSWORD|API_KEY|CREDENTIALS)$/i.test(k), {
          error: "looks like a secret. Fix: keep secrets in Secrets Manager and read them in the handler",
        })
        .refine((k) => !["MODELS", "CORS_ORIGINS", "AWS_REGION", "METRICS_NAMESPACE", "STAGE", "CONSUMERS", "CONSUMER_KEYS", "KEY_HASH_SALT"].includes(k), {
          error: "is set by the stack. Fix: use another name",
        }),
      z.string(),
    )
    .default({})
    .describe("Environment variables of the model's functions; names that look like secrets, or that the stack sets, are refused."),
  layers: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/, {
        error: "must be a Lambda layer version ARN. Fix: copy it with its version number",
      }),
    )
    .max(5)
    .default([])
    .describe("Lambda layer version ARNs for the model's functions (up to 5)."),
  handler: z
    .string()
    .regex(/^[\w./-]+\.(ts|js|mjs)$/, { error: 'must be a .ts or .js file in the project. Fix: e.g. "handlers/my-invoke.ts"' })
    .optional()
    .describe("Your own /invoke handler, bundled like the built-in one (see docs/options.md, the handler contract)."),
  requestSchema: z
    .union([
      z.literal(false),
      z.string().regex(/^[\w./-]+\.json$/, { error: 'must be a .json file in the project, or false. Fix: e.g. "handlers/classify.schema.json"' }),
    ])
    .optional()
    .describe(
      "With your own handler: the JSON Schema (draft 4) file API Gateway checks /invoke bodies against instead of the generate request, or false for no check at the gateway.",
    ),
  extraStatements: z.array(statement).default([]).describe("IAM statements added to the model's functions, e.g. to read a DynamoDB table."),
});

const customAttributes = z
  .string()
  .regex(/^[\x20-\x7E]{1,1024}$/, { error: 'must be 1-1024 printable ASCII characters (SageMaker\'s limit). Fix: e.g. "accept_eula=true"' })
  .optional()
  .describe("Sent to the model as X-Amzn-SageMaker-Custom-Attributes unless the client sends its own, e.g. accept_eula=true for some model packages.");

export const modelSchema = z.strictObject({
  name: z
    .string()
    .regex(NAME, { error: "must use only lower-case letters, digits and '-'. Fix: rename it, e.g. \"mistral-7b\"" })
    .max(32)
    .describe("Becomes the URL path (/<name>/invoke) and part of resource names."),
  huggingFace: huggingFace.optional().describe("Serve a Hugging Face Hub model (one source of three: huggingFace, modelPackageArn or custom)."),
  server: z
    .enum(["tgi", "vllm", "tei"])
    .default("tgi")
    .describe(
      "Serving container of a Hugging Face model: Text Generation Inference, vLLM in SageMaker's Large Model Inference container (instances), or Text Embeddings Inference for an embedding model (instance or serverless; served at /v1/embeddings).",
    ),
  modelPackageArn: z
    .string()
    .regex(MODEL_PACKAGE_ARN, {
      error: "must be a SageMaker model package ARN. Fix: copy it from the model package (arn:aws:sagemaker:<region>:<account>:model-package/...)",
    })
    .optional()
    .describe("Serve a SageMaker model package (one source of three)."),
  custom: custom.optional().describe("Serve your own image and model data (one source of three)."),
  instance: instance.optional().describe("Run on a real-time endpoint of its own (one of instance, serverless or placement)."),
  serverless: serverless.optional().describe("Run on a serverless endpoint, billed per request; no GPU (one of instance, serverless or placement)."),
  placement: placementSchema.optional(),
  autoscaling: autoscaling.optional().describe("Application Auto Scaling of an instance model; minCapacity 0 scales it to zero when idle."),
  deployment: deploymentSchema.optional().describe("Blue/green updates with automatic rollback on the model's alarms (instance endpoints)."),
  customAttributes,
  chat: z
    .enum(["messages", "prompt", "none"])
    .optional()
    .describe(
      "How /v1/chat/completions reaches the model: messages (the backend's chat API, which needs a chat template; default for TGI and vLLM on an instance), prompt (the conversation rendered as one prompt for the generate API; default otherwise, and for base models without a chat template), or none (no chat; /v1/completions and /invoke still work).",
    ),
  vision: z
    .union([
      z.literal(true),
      z.strictObject({ httpsImages: z.boolean().default(false).describe("Also take https: image URLs, which the model server fetches.") }),
    ])
    .optional()
    .describe(
      "A vision model (Qwen2.5-VL, Llama 3.2 Vision, Idefics...) served by TGI or vLLM on an instance: chat takes image_url parts as base64 data: URLs (https: URLs too with httpsImages). Other models refuse images with a 400 that names the models that take them.",
    ),
  networkIsolation: z
    .boolean()
    .optional()
    .describe(
      "Run the container without network access (SageMaker EnableNetworkIsolation). Default: on for model packages, as the SageMaker SDK does for Marketplace packages; off otherwise.",
    ),
  integration: z
    .enum(["lambda", "direct"])
    .default("lambda")
    .describe(
      "lambda: the invoker functions (streaming, OpenAI routes); direct: API Gateway calls SageMaker itself for /invoke (no cold start, no streaming).",
    ),
  lambda: functionSettings.optional().describe("Settings of this model's functions."),
  dataCapture: dataCapture.optional().describe("Model monitoring: capture a sample of requests and responses to S3 (instance endpoints)."),
  modelDownloadTimeoutSeconds: seconds(60, 3600).default(1200).describe("Time allowed to download the model (real-time endpoints)."),
  startupHealthCheckTimeoutSeconds: seconds(60, 3600).default(900).describe("Time allowed for the container to pass /ping (real-time endpoints)."),
});

export const existingEndpointSchema = z.strictObject({
  customAttributes,
  lambda: functionSettings.optional().describe("Settings of this endpoint's functions."),
  name: z
    .string()
    .regex(NAME, { error: "must use only lower-case letters, digits and '-'. Fix: rename it, e.g. \"legacy-falcon\"" })
    .max(32)
    .describe("The model name clients use: the URL path (/<name>/invoke) and the OpenAI model."),
  endpointName: z
    .string()
    .regex(ENDPOINT_NAME, { error: "must be a SageMaker endpoint name (letters, digits, '-', up to 63). Fix: copy it from the SageMaker console" })
    .describe("The SageMaker endpoint that already exists."),
});
