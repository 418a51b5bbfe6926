import { z } from "zod";
import { FLEET_START_SECONDS, PROVIDER_ENDPOINT_WAIT_SECONDS, blueGreenSeconds, trafficSteps, type DeploymentSettings } from "./deployment-time";
import { GPU_INSTANCE_TYPES, gpuCount } from "./instance-types";
import { DLC_ACCOUNTS, LMI_REGIONS } from "../modules/images";

/**
 * The one config file of the product. This schema is the single source of
 * defaults and validation: modules trust the parsed value and never re-check it.
 * Messages that a user can act on carry their fix after "Fix:".
 */

const NAME = /^[a-z0-9-]+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[A-Za-z0-9/-]+$/;
const ECR_IMAGE = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[0-9]*x?large$/;
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const STAGE = /^[a-z][a-z0-9]{0,15}$/;
const STAGE_ERROR = 'must be 1-16 lower-case letters or digits, starting with a letter. Fix: e.g. "v1" or "prod"';

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

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
  tokenSecretArn: z
    .string()
    .regex(SECRET_ARN, {
      error:
        "must be a Secrets Manager secret ARN. Fix: store the Hugging Face token in Secrets Manager and give its ARN; tokens are never read from this file",
    })
    .optional()
    .describe("ARN of a Secrets Manager secret holding the Hugging Face token, for gated models."),
  quantize: z.enum(QUANTIZE).optional().describe("TGI quantization (HF_MODEL_QUANTIZE)."),
  trustRemoteCode: z.boolean().default(false).describe("Allow model repositories that ship their own Python code."),
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
  name: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: "must be letters, digits or '-'. Fix: e.g. \"night\"" }),
  schedule: z
    .string()
    .regex(/^(cron\(.+\)|rate\(.+\)|at\(.+\))$/, { error: 'must be an Application Auto Scaling schedule. Fix: e.g. "cron(0 20 ? * MON-FRI *)"' })
    .describe("cron(...), rate(...) or at(...)."),
  timezone: z.string().min(1).default("UTC").describe("IANA time zone of the cron expression, e.g. Europe/Berlin."),
  minCapacity: z.number().int().min(1).optional(),
  maxCapacity: z.number().int().min(1).optional(),
});

const autoscaling = z.strictObject({
  minCapacity: z.number().int().min(1, { error: "must be at least 1: a real-time endpoint cannot scale to zero. Fix: set 1, or use serverless" }),
  maxCapacity: z.number().int().min(1).max(100),
  metric: z
    .enum(["invocationsPerInstance", "concurrentRequestsPerModel"])
    .default("invocationsPerInstance")
    .describe("invocationsPerInstance (1-minute metric) or concurrentRequestsPerModel (high-resolution, reacts in seconds)."),
  targetValue: z.number().positive().describe("Target value of the metric per instance."),
  scaleInCooldownSeconds: seconds(0, 3600).default(300),
  scaleOutCooldownSeconds: seconds(0, 3600).default(60),
  schedules: z.array(schedule).default([]).describe("Scheduled capacity changes, e.g. scale down at night."),
});

const deploymentSchema = z.strictObject({
  strategy: z.enum(["allAtOnce", "canary", "linear"]).default("allAtOnce").describe("How traffic moves to the new fleet in a blue/green update."),
  stepPercent: z.number().int().min(1).max(50).default(10).describe("Canary size, or linear step, in percent of capacity."),
  waitSeconds: z.number().int().min(0).max(3600).default(300).describe("Time at each step while the rollback alarms watch."),
  terminationWaitSeconds: z.number().int().min(0).max(3600).default(0).describe("Keep the old fleet this long after the switch."),
  maxExecutionSeconds: z.number().int().min(600).max(28800).optional().describe("Give up (and roll back) after this long."),
});

const dataCapture = z.strictObject({
  s3Uri: z
    .string()
    .regex(S3_URI, { error: "must be an S3 URI. Fix: use s3://<bucket>/<prefix>" })
    .describe("Where SageMaker writes captured requests and responses."),
  samplingPercent: z.number().int().min(1).max(100).default(10),
  captureContent: z.enum(["both", "input", "output"]).default("both"),
  kmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, { error: "must be a KMS key ARN. Fix: copy it from KMS" })
    .optional(),
});

const statement = z.strictObject({
  Sid: z
    .string()
    .regex(/^[A-Za-z0-9]*$/)
    .optional(),
  Effect: z.enum(["Allow", "Deny"]).default("Allow"),
  Action: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]),
  Resource: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
});

const functionSettings = z.strictObject({
  timeoutSeconds: seconds(3, 900).optional().describe("Of the model's /invoke function (API Gateway still ends buffered calls at 29 s)."),
  streamTimeoutSeconds: seconds(3, 900).optional(),
  memorySizeMb: z.number().int().min(128).max(10240).optional(),
  reservedConcurrency: z.number().int().min(0).max(1000).optional().describe("Reserve (and cap) concurrent executions of each of the model's functions."),
  environment: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .refine((k) => !/(TOKEN|SECRET|PASSWORD|API_KEY|CREDENTIALS)$/i.test(k), {
          error: "looks like a secret. Fix: keep secrets in Secrets Manager and read them in the handler",
        })
        .refine((k) => !["MODELS", "CORS_ORIGINS", "AWS_REGION"].includes(k), { error: "is set by the stack. Fix: use another name" }),
      z.string(),
    )
    .default({}),
  layers: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/, {
        error: "must be a Lambda layer version ARN. Fix: copy it with its version number",
      }),
    )
    .max(5)
    .default([]),
  handler: z
    .string()
    .regex(/^[\w./-]+\.(ts|js|mjs)$/, { error: 'must be a .ts or .js file in the project. Fix: e.g. "handlers/my-invoke.ts"' })
    .optional()
    .describe("Your own /invoke handler, bundled like the built-in one (see README, handler contract)."),
  extraStatements: z.array(statement).default([]).describe("IAM statements added to the model's functions, e.g. to read a DynamoDB table."),
});

const model = z.strictObject({
  name: z
    .string()
    .regex(NAME, { error: "must use only lower-case letters, digits and '-'. Fix: rename it, e.g. \"mistral-7b\"" })
    .max(32)
    .describe("Becomes the URL path (/<name>/invoke) and part of resource names."),
  huggingFace: huggingFace.optional(),
  server: z
    .enum(["tgi", "vllm"])
    .default("tgi")
    .describe("Serving container of a Hugging Face model on an instance: Text Generation Inference, or vLLM in SageMaker's Large Model Inference container."),
  modelPackageArn: z
    .string()
    .regex(MODEL_PACKAGE_ARN, {
      error: "must be a SageMaker model package ARN. Fix: copy it from the model package (arn:aws:sagemaker:<region>:<account>:model-package/...)",
    })
    .optional(),
  custom: custom.optional(),
  instance: instance.optional(),
  serverless: serverless.optional(),
  autoscaling: autoscaling.optional(),
  deployment: deploymentSchema.optional().describe("Blue/green updates with automatic rollback on the model's alarms (instance endpoints)."),
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

const existingEndpoint = z.strictObject({
  lambda: functionSettings.optional().describe("Settings of this endpoint's functions."),
  name: z.string().regex(NAME, { error: "must use only lower-case letters, digits and '-'. Fix: rename it, e.g. \"legacy-falcon\"" }).max(32),
  endpointName: z
    .string()
    .regex(ENDPOINT_NAME, { error: "must be a SageMaker endpoint name (letters, digits, '-', up to 63). Fix: copy it from the SageMaker console" }),
});

const api = z.strictObject({
  auth: z.enum(["apiKey", "iam", "none"]).default("apiKey").describe("apiKey (x-api-key header), iam (SigV4) or none."),
  allowUnauthenticated: z.boolean().default(false).describe('Must be true to accept auth "none": a public API is never a default.'),
  throttle: z
    .strictObject({
      rateLimit: z.number().positive().max(10000).default(5).describe("Steady requests per second."),
      burstLimit: z.number().int().min(1).max(5000).default(10).describe("Burst of requests."),
    })
    .prefault({}),
  quota: z
    .strictObject({
      limit: z.number().int().min(1),
      period: z.enum(["DAY", "WEEK", "MONTH"]),
    })
    .optional()
    .describe("Usage-plan quota per API key."),
  corsOrigins: z
    .array(
      z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, {
        error: 'must be an origin like "https://chat.example.com" (scheme and host, no path), or "*". Fix: remove the path or trailing slash',
      }),
    )
    .default([])
    .describe("Browser origins allowed to call the API (CORS), e.g. where the chat page is hosted. Empty: no CORS."),
  domain: z
    .strictObject({
      name: z.string().regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/, {
        error: 'must be a domain name like "llm.example.com". Fix: use the name your certificate covers',
      }),
      certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
        error: "must be an ACM certificate ARN in the API's region. Fix: copy it from ACM",
      }),
      basePath: z
        .string()
        .regex(/^[A-Za-z0-9._-]*$/)
        .optional()
        .describe("Path under the domain; empty maps the domain's root."),
      hostedZoneId: z
        .string()
        .regex(/^Z[A-Z0-9]+$/)
        .optional()
        .describe("Route 53 zone to create the alias record in."),
    })
    .optional()
    .describe("Custom domain for the API (regional)."),
  accessLogRetentionDays: z.literal([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]).default(30),
  manageAccountLogRole: z
    .boolean()
    .default(true)
    .describe("Set the account-wide API Gateway CloudWatch role that access logs need. Set false when another stack manages it."),
});

const lambda = z.strictObject({
  memorySizeMb: z.number().int().min(128).max(10240).default(512),
  timeoutSeconds: seconds(3, 900).default(29).describe("Buffered /invoke calls end at API Gateway's 29 s integration timeout anyway."),
  streamTimeoutSeconds: seconds(3, 900).default(300).describe("Streamed and chat calls: API Gateway allows up to 15 minutes."),
  logRetentionDays: z.number().int().min(1).max(3653).default(30),
  tracing: z.boolean().default(false).describe("AWS X-Ray tracing of the functions."),
});

const rate = (value: number) => z.number().min(0).max(1).default(value);
const alarms = z.strictObject({
  enabled: z.boolean().default(true),
  topicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, { error: "must be an SNS topic ARN. Fix: copy it from SNS, or use email" })
    .optional()
    .describe("Existing SNS topic for alarm notifications."),
  email: z
    .string()
    .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "must be an e-mail address" })
    .optional()
    .describe("Creates an SNS topic that e-mails this address (confirm the subscription)."),
  endpoint5xxRate: rate(0.05).describe("Share of invocations failing with 5xx (0-1)."),
  endpoint4xxRate: rate(0.25).describe("Share of invocations the model refuses with 4xx (0-1)."),
  modelLatencyP90Ms: z.number().positive().default(30000).describe("p90 of the model's own latency, ms."),
  gpuUtilizationPercent: z.number().min(1).max(100).default(95).describe("Average GPU use per GPU, percent."),
  gpuMemoryPercent: z.number().min(1).max(100).default(95).describe("GPU memory per GPU, percent."),
  memoryPercent: z.number().min(1).max(100).default(90).describe("Instance memory, percent."),
  cpuPercent: z.number().min(1).max(100).default(90).describe("Average CPU use per vCPU, percent."),
  invocationsPerInstancePerMinute: z
    .number()
    .positive()
    .optional()
    .describe("Saturation: more than this per instance per minute means no spare capacity (default: 1.5x the autoscaling target, else 120)."),
  api5xxRate: rate(0.05),
  api4xxRate: rate(0.25).describe("Includes throttled (429) and unauthorised (403) requests."),
  apiLatencyP90Ms: z.number().positive().default(25000),
  lambdaErrors: z.number().int().min(1).default(5).describe("Function errors per 5 minutes."),
  lambdaThrottles: z.number().int().min(1).default(1).describe("Throttled invocations per 5 minutes."),
  lambdaDurationRatio: z.number().min(0.1).max(1).default(0.9).describe("Alarm when the longest run reaches this share of the timeout."),
});

const ci = z.strictObject({
  repository: z
    .string()
    .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { error: 'must be a GitHub repository like "acme/llm-api". Fix: use owner/name' })
    .describe("GitHub repository whose workflows may assume the roles."),
  branch: z.string().min(1).default("main").describe("Branch whose pushes may deploy."),
  environment: z.string().min(1).default("production").describe("GitHub environment of the deploy job (its protection rules approve deploys)."),
  oidcProviderArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, {
      error: "must be the ARN of the account's GitHub OIDC provider. Fix: copy it from IAM > Identity providers, or leave it out to create one",
    })
    .optional()
    .describe("Use the account's existing GitHub OIDC provider instead of creating one (one per account)."),
});

const cost = z.strictObject({
  prices: z
    .record(z.string().regex(/^ml\.[a-z0-9]+\.[0-9]*x?large$/), z.number().positive())
    .default({})
    .describe("USD per instance-hour, overriding or adding to the built-in us-east-1 list prices."),
  serverlessRequestsPerMonth: z.number().int().min(0).default(100000).describe("Traffic assumed for serverless estimates."),
  serverlessAverageSeconds: z.number().positive().default(2).describe("Average duration of one serverless request."),
});

const state = z.strictObject({
  bucket: z
    .string()
    .regex(BUCKET, { error: "must be an S3 bucket name (3-63 lower-case letters, digits, '.', '-'). Fix: use the bucket output by the llm-api-state stack" }),
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._/-]*$/)
    .default("llm-api"),
  region: z.string().regex(REGION).optional().describe("Bucket region (default: the top-level region)."),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    project: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,19}$/, { error: "must be 2-20 lower-case letters, digits or '-', starting with a letter. Fix: e.g. \"llm-api\"" })
      .default("llm-api"),
    stage: z.string().regex(STAGE, { error: STAGE_ERROR }).default("v1").describe("API Gateway stage; the API stack is <project>-<stage>."),
    stages: z
      .array(z.string().regex(STAGE, { error: STAGE_ERROR }))
      .min(1)
      .optional()
      .describe('Several stages from one config, e.g. ["dev", "prod"]: one stack and state key each. Replaces stage.'),
    region: z.string().regex(REGION, { error: 'must be an AWS region like "us-east-1". Fix: set the region to deploy to' }),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
    models: z.array(model).default([]),
    existingEndpoints: z.array(existingEndpoint).default([]),
    api: api.prefault({}),
    lambda: lambda.prefault({}),
    alarms: alarms.prefault({}),
    cost: cost.prefault({}),
    state: state.optional(),
    ci: ci.optional().describe("Creates the llm-api-ci stack: GitHub OIDC roles for pull-request plans and deploys."),
  })
  // Cross-field checks run even when single fields failed, so every problem is reported at once.
  .superRefine((value, ctx) => checkCrossFields(value, ctx), { when: () => true });

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type ModelConfig = Config["models"][number];
export type ExistingEndpointConfig = Config["existingEndpoints"][number];

type Issue = (path: (string | number)[], message: string) => void;
type Loose<T> = { [K in keyof T]?: unknown };

const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x) => typeof x === "object" && x !== null) : []);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Checks that span fields. It may see a partly invalid value (single-field
 * problems are reported beside these), so it reads everything defensively.
 */
function checkCrossFields(config: Loose<Config>, ctx: z.RefinementCtx<unknown>): void {
  // A file holding null, a list or a number has already been reported as not an object.
  if (obj(config) === undefined) return;
  const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path, message, input: undefined });
  const models = list(config.models);
  const existing = list(config.existingEndpoints);

  if (Array.isArray(config.models) && Array.isArray(config.existingEndpoints) && models.length + existing.length === 0) {
    issue(["models"], "no model to serve. Fix: add an entry to models (or existingEndpoints)");
  }

  const seen = new Map<string, string>();
  const named = [...models.map((m, i) => ({ name: m.name, group: "models", i })), ...existing.map((e, i) => ({ name: e.name, group: "existingEndpoints", i }))];
  for (const { name, group, i } of named) {
    if (typeof name !== "string") continue;
    const first = seen.get(name);
    if (first) issue([group, i, "name"], `"${name}" is already used by ${first}. Fix: give every model a unique name`);
    else seen.set(name, `${group}[${i}]`);
  }

  models.forEach((m, i) => checkModel(m, ["models", i], issue));
  existing.forEach((e, i) => checkStatements(obj(e.lambda), ["existingEndpoints", i], issue));

  const needsLmi = models.findIndex((m) => m.server === "vllm" && obj(m.huggingFace)?.image === undefined);
  if (typeof config.region === "string" && REGION.test(config.region) && needsLmi >= 0 && !LMI_REGIONS.includes(config.region)) {
    issue(
      ["region"],
      `"${config.region}" has no Large Model Inference image in this product's table (needed by models[${needsLmi}]). Fix: use one of ${LMI_REGIONS.join(", ")}, or server "tgi"`,
    );
  }
  const needsDlc = models.findIndex((m) => obj(m.huggingFace) && obj(m.huggingFace)?.image === undefined);
  if (typeof config.region === "string" && REGION.test(config.region) && needsDlc >= 0 && !DLC_ACCOUNTS[config.region]) {
    issue(
      ["region"],
      `"${config.region}" has no Hugging Face serving image in this product's table (needed by models[${needsDlc}]). Fix: use one of ${Object.keys(DLC_ACCOUNTS).join(", ")}, or set huggingFace.image`,
    );
  }

  if (Array.isArray(config.stages) && new Set(config.stages).size !== config.stages.length) {
    issue(["stages"], "a stage is listed twice. Fix: list each stage once");
  }

  if (obj(obj(config.api)?.domain) && Array.isArray(config.stages) && config.stages.length > 1) {
    issue(["api", "domain"], "one custom domain cannot belong to several stage stacks. Fix: use one config per stage, each with its own domain");
  }

  const alarmSettings = obj(config.alarms);
  if (alarmSettings?.topicArn !== undefined && alarmSettings?.email !== undefined) {
    issue(["alarms"], "both topicArn and email are set. Fix: keep one: email creates a topic, topicArn uses yours");
  }

  const api = obj(config.api);
  if (api?.auth === "none" && api.allowUnauthenticated !== true) {
    issue(["api", "auth"], '"none" makes the API public. Fix: use "apiKey" or "iam", or also set api.allowUnauthenticated to true');
  }
  if (api && api.auth !== "apiKey" && api.quota !== undefined) {
    issue(["api", "quota"], 'quotas apply per API key. Fix: remove api.quota or use auth "apiKey"');
  }
}

/** Extra IAM statements may not grant "*": least privilege is the default the product keeps. */
function checkStatements(fn: Record<string, unknown> | undefined, at: (string | number)[], issue: Issue): void {
  const wide = (v: unknown) => v === "*" || (Array.isArray(v) && v.includes("*"));
  list(fn?.extraStatements).forEach((st, i) => {
    if (wide(st.Action) || wide(st.Resource))
      issue([...at, "lambda", "extraStatements", i], 'grants "*". Fix: name the actions and the resource ARNs the handler needs');
  });
}

function checkModel(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  const sources = (["huggingFace", "modelPackageArn", "custom"] as const).filter((k) => m[k] !== undefined);
  if (sources.length !== 1) {
    issue(
      at,
      `${sources.length === 0 ? "no model source" : `${sources.length} model sources (${sources.join(", ")})`}. Fix: set exactly one of huggingFace, modelPackageArn or custom`,
    );
  }
  const instance = obj(m.instance);
  const serverless = obj(m.serverless);
  if ((m.instance === undefined) === (m.serverless === undefined)) {
    issue(
      at,
      `${m.instance !== undefined ? "both instance and serverless are set" : "neither instance nor serverless is set"}. Fix: set exactly one of instance (real-time) or serverless`,
    );
  }

  const hf = obj(m.huggingFace);
  if (m.server === "vllm" && !(hf && instance)) {
    issue([...at, "server"], '"vllm" serves a huggingFace model on an instance. Fix: use "tgi" (the default), or give huggingFace and instance');
  }
  if (m.server === "vllm" && hf?.quantize !== undefined && !["awq", "gptq", "fp8"].includes(String(hf.quantize))) {
    issue(
      [...at, "huggingFace", "quantize"],
      `"${String(hf.quantize)}" is not a vLLM quantization in this product. Fix: use awq, gptq or fp8, or server "tgi"`,
    );
  }
  const type = instance?.type;
  if (hf && typeof type === "string" && hf.image === undefined && gpuCount(type) === undefined) {
    issue([...at, "instance", "type"], `"${type}" is not a known GPU instance type for the TGI image. Fix: use one of ${GPU_INSTANCE_TYPES.join(", ")}`);
  }
  if (hf && serverless && ["quantize", "maxInputTokens", "maxTotalTokens", "maxBatchPrefillTokens"].some((k) => hf[k] !== undefined)) {
    issue(
      [...at, "huggingFace"],
      "quantize and token limits are TGI settings, and serverless endpoints run the CPU transformers image instead. Fix: remove them, or use an instance",
    );
  }
  const maxInput = num(hf?.maxInputTokens);
  const maxTotal = num(hf?.maxTotalTokens);
  if (maxInput !== undefined && maxTotal !== undefined && maxInput >= maxTotal) {
    issue(
      [...at, "huggingFace", "maxInputTokens"],
      `${maxInput} must be less than maxTotalTokens (${maxTotal}), which counts prompt and generated tokens. Fix: lower maxInputTokens or raise maxTotalTokens`,
    );
  }
  if (hf && (hf.maxInputTokens === undefined) !== (hf.maxTotalTokens === undefined)) {
    issue([...at, "huggingFace"], "maxInputTokens and maxTotalTokens go together. Fix: set both or neither");
  }

  if (m.integration === "direct" && obj(m.lambda)) {
    issue([...at, "lambda"], 'a direct integration runs no function of its own. Fix: remove lambda, or use integration "lambda"');
  }
  checkStatements(obj(m.lambda), at, issue);
  if (m.dataCapture !== undefined && serverless) {
    issue([...at, "dataCapture"], "serverless endpoints cannot capture data. Fix: remove dataCapture, or use an instance");
  }
  if (m.deployment !== undefined && serverless) {
    issue([...at, "deployment"], "blue/green updates need instances. Fix: remove deployment, or use an instance");
  }
  const deployment = obj(m.deployment) as DeploymentSettings | undefined;
  if (deployment && blueGreenSeconds(deployment) > PROVIDER_ENDPOINT_WAIT_SECONDS) {
    const minutes = Math.round(blueGreenSeconds(deployment) / 60);
    issue(
      [...at, "deployment"],
      `an update would take about ${minutes} minutes (${trafficSteps(deployment)} traffic steps × waitSeconds, terminationWaitSeconds and ~${FLEET_START_SECONDS / 60} minutes to start the new fleet), longer than the ${PROVIDER_ENDPOINT_WAIT_SECONDS / 60} minutes Terraform's AWS provider waits for the endpoint, so the apply would fail midway. Fix: fewer steps (a larger stepPercent, or canary), or a shorter waitSeconds`,
    );
  }

  const scaling = obj(m.autoscaling);
  list(scaling?.schedules).forEach((sched, i) => {
    const low = num(sched.minCapacity);
    const high = num(sched.maxCapacity);
    if (low === undefined && high === undefined) issue([...at, "autoscaling", "schedules", i], "changes nothing. Fix: set minCapacity, maxCapacity or both");
    if (low !== undefined && high !== undefined && low > high)
      issue([...at, "autoscaling", "schedules", i, "minCapacity"], `${low} is greater than maxCapacity (${high}). Fix: make minCapacity <= maxCapacity`);
  });
  if (scaling && serverless) {
    issue([...at, "autoscaling"], "serverless endpoints scale by themselves. Fix: remove autoscaling, or use an instance");
  }
  const min = num(scaling?.minCapacity);
  const max = num(scaling?.maxCapacity);
  if (min !== undefined && max !== undefined && min > max) {
    issue([...at, "autoscaling", "minCapacity"], `${min} is greater than maxCapacity (${max}). Fix: make minCapacity <= maxCapacity`);
  }
  const initial = num(instance?.initialCount);
  if (initial !== undefined && min !== undefined && max !== undefined && min <= max && (initial < min || initial > max)) {
    issue([...at, "instance", "initialCount"], `${initial} is outside autoscaling ${min}..${max}. Fix: set initialCount within that range`);
  }
}

/** The stages to synthesise: `stages` when given, else the single `stage`. */
export function stagesOf(config: Config): readonly string[] {
  return config.stages ?? [config.stage];
}
