import { z } from "zod";
import { INSTANCE_TYPE, placementSchema, trackingFields } from "./placement-schema";
import { customSource, huggingFaceSource } from "./model-source-schema";
import { functionSettingsSchema } from "./function-schema";
import { ENDPOINT_NAME, MODEL_PACKAGE_ARN, NAME, S3_URI, seconds } from "./patterns";

/** The model entries of the config file: what to serve, on what, and how the API reaches it. */

const instance = z.strictObject({
  type: z
    .string()
    .regex(INSTANCE_TYPE, {
      error:
        'must be a SageMaker instance type like "ml.g5.2xlarge". Fix: use a type from the SageMaker inference pricing page',
    })
    .describe("SageMaker instance type."),
  initialCount: z.number().int().min(1).max(100).default(1).describe("Instances when the endpoint is created."),
  volumeSizeGb: z.number().int().min(1).max(512).optional().describe("ML storage volume per instance, GB."),
});

const serverless = z.strictObject({
  memorySizeMb: z
    .literal([1024, 2048, 3072, 4096, 5120, 6144])
    .describe("Memory per serverless worker: 1024, 2048, 3072, 4096, 5120 or 6144."),
  maxConcurrency: z.number().int().min(1).max(200).default(5).describe("Concurrent invocations (1-200)."),
});

const schedule = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, { error: "must be letters, digits or '-'. Fix: e.g. \"night\"" })
    .describe("Names the scheduled action."),
  schedule: z
    .string()
    .regex(/^(cron\(.+\)|rate\(.+\)|at\(.+\))$/, {
      error: 'must be an Application Auto Scaling schedule. Fix: e.g. "cron(0 20 ? * MON-FRI *)"',
    })
    .describe("cron(...), rate(...) or at(...)."),
  timezone: z.string().min(1).default("UTC").describe("IANA time zone of the cron expression, e.g. Europe/Berlin."),
  minCapacity: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "Fewest instances (copies, for a model that scales to zero) from this time on; 0 only where autoscaling.minCapacity is 0.",
    ),
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
  strategy: z
    .enum(["allAtOnce", "canary", "linear"])
    .default("allAtOnce")
    .describe("How traffic moves to the new fleet in a blue/green update."),
  stepPercent: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(10)
    .describe("Canary size, or linear step, in percent of capacity."),
  waitSeconds: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(300)
    .describe("Time at each step while the rollback alarms watch."),
  terminationWaitSeconds: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(0)
    .describe("Keep the old fleet this long after the switch."),
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
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, {
      error: "must be a KMS key ARN. Fix: copy it from KMS",
    })
    .optional()
    .describe("KMS key that encrypts the captured data; the execution role may use it."),
});

const customAttributes = z
  .string()
  .regex(/^[\x20-\x7E]{1,1024}$/, {
    error: 'must be 1-1024 printable ASCII characters (SageMaker\'s limit). Fix: e.g. "accept_eula=true"',
  })
  .optional()
  .describe(
    "Sent to the model as X-Amzn-SageMaker-Custom-Attributes unless the client sends its own, e.g. accept_eula=true for some model packages.",
  );

export const modelSchema = z.strictObject({
  name: z
    .string()
    .regex(NAME, { error: "must use only lower-case letters, digits and '-'. Fix: rename it, e.g. \"mistral-7b\"" })
    .max(32)
    .describe("Becomes the URL path (/<name>/invoke) and part of resource names."),
  huggingFace: huggingFaceSource
    .optional()
    .describe("Serve a Hugging Face Hub model (one source of three: huggingFace, modelPackageArn or custom)."),
  server: z
    .enum(["tgi", "vllm", "tei"])
    .default("tgi")
    .describe(
      "Serving container of a Hugging Face model: Text Generation Inference, vLLM in SageMaker's Large Model Inference container (instances), or Text Embeddings Inference for an embedding model (instance or serverless; served at /v1/embeddings).",
    ),
  modelPackageArn: z
    .string()
    .regex(MODEL_PACKAGE_ARN, {
      error:
        "must be a SageMaker model package ARN. Fix: copy it from the model package (arn:aws:sagemaker:<region>:<account>:model-package/...)",
    })
    .optional()
    .describe("Serve a SageMaker model package (one source of three)."),
  custom: customSource.optional().describe("Serve your own image and model data (one source of three)."),
  instance: instance
    .optional()
    .describe("Run on a real-time endpoint of its own (one of instance, serverless or placement)."),
  serverless: serverless
    .optional()
    .describe("Run on a serverless endpoint, billed per request; no GPU (one of instance, serverless or placement)."),
  placement: placementSchema.optional(),
  autoscaling: autoscaling
    .optional()
    .describe("Application Auto Scaling of an instance model; minCapacity 0 scales it to zero when idle."),
  deployment: deploymentSchema
    .optional()
    .describe("Blue/green updates with automatic rollback on the model's alarms (instance endpoints)."),
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
      z.strictObject({
        httpsImages: z
          .boolean()
          .default(false)
          .describe("Also take https: image URLs, which the model server fetches."),
      }),
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
  lambda: functionSettingsSchema.optional().describe("Settings of this model's functions."),
  dataCapture: dataCapture
    .optional()
    .describe("Model monitoring: capture a sample of requests and responses to S3 (instance endpoints)."),
  modelDownloadTimeoutSeconds: seconds(60, 3600)
    .default(1200)
    .describe("Time allowed to download the model (real-time endpoints)."),
  startupHealthCheckTimeoutSeconds: seconds(60, 3600)
    .default(900)
    .describe("Time allowed for the container to pass /ping (real-time endpoints)."),
});

export const existingEndpointSchema = z.strictObject({
  customAttributes,
  lambda: functionSettingsSchema.optional().describe("Settings of this endpoint's functions."),
  name: z
    .string()
    .regex(NAME, { error: "must use only lower-case letters, digits and '-'. Fix: rename it, e.g. \"legacy-falcon\"" })
    .max(32)
    .describe("The model name clients use: the URL path (/<name>/invoke) and the OpenAI model."),
  endpointName: z
    .string()
    .regex(ENDPOINT_NAME, {
      error:
        "must be a SageMaker endpoint name (letters, digits, '-', up to 63). Fix: copy it from the SageMaker console",
    })
    .describe("The SageMaker endpoint that already exists."),
});
