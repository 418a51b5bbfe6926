import { z } from "zod";
import { checkCrossFields } from "./cross-field";
import { REGION } from "./region-checks";
import { checkDeployable } from "./deploy-checks";
import { existingEndpointSchema, modelSchema } from "./model-schema";
import { seconds } from "./patterns";
import { sharedEndpointSchema } from "./placement-schema";
import { apiSchema } from "./api-schema";
import { shapeConfig } from "./shape";
import { DEFAULT_FIRST_TOKEN_TIMEOUT_SECONDS, DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS } from "../contract/stream-timeouts";
import { DEFAULT_HELD_PER_MODEL, DEFAULT_WAKE_HOLD_SECONDS } from "../contract/wake";
import { API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS } from "../reference/aws-limits";

/**
 * The one config file of the product. This schema is the single source of
 * defaults and validation: modules trust the parsed value and never re-check it.
 * Messages that a user can act on carry their fix after "Fix:".
 */

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const STAGE = /^[a-z][a-z0-9]{0,15}$/;
const STAGE_ERROR = 'must be 1-16 lower-case letters or digits, starting with a letter. Fix: e.g. "v1" or "prod"';

const lambda = z.strictObject({
  memorySizeMb: z
    .number()
    .int()
    .min(128)
    .max(10240)
    .default(512)
    .describe("Memory of every invoker function, MB (Lambda gives CPU in proportion)."),
  timeoutSeconds: seconds(3, 900)
    .default(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS)
    .describe("Buffered /invoke calls end at API Gateway's 29 s integration timeout anyway."),
  streamTimeoutSeconds: seconds(3, 900)
    .optional()
    .describe(
      "Streamed and chat calls: API Gateway allows up to 15 minutes. Default: 300 s, or 900 s when a model scales to zero (its requests are held while it wakes).",
    ),
  wakeHoldSeconds: seconds(60, 840)
    .default(DEFAULT_WAKE_HOLD_SECONDS)
    .describe(
      "How long a streamed request to a model that scaled to zero is held while a copy starts, before it ends with a model_starting error event. The streaming functions' timeout must cover it and a minute more.",
    ),
  heldRequestsPerModel: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(DEFAULT_HELD_PER_MODEL)
    .describe(
      "Requests held at once per model while it wakes, across all functions; the next gets a 503 at once. Each held request is a running Lambda function.",
    ),
  firstTokenTimeoutSeconds: seconds(1, 900)
    .default(DEFAULT_FIRST_TOKEN_TIMEOUT_SECONDS)
    .describe(
      "Streamed calls: how long to wait for the model's first bytes before cancelling the call (504 to the client).",
    ),
  streamIdleTimeoutSeconds: seconds(1, 900)
    .default(DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS)
    .describe(
      "Streamed calls: how long the model may stay silent between tokens before the call is cancelled (an error event to the client).",
    ),
  logRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(3653)
    .default(30)
    .describe("Days CloudWatch Logs keeps the functions' logs."),
  tracing: z.boolean().default(false).describe("AWS X-Ray tracing of the functions."),
});

const rate = (value: number) => z.number().min(0).max(1).default(value);
const alarms = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      "CloudWatch alarms on endpoints, the API and the functions. false keeps only what updates need (rollback and wake-up alarms, without actions).",
    ),
  topicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, {
      error: "must be an SNS topic ARN. Fix: copy it from SNS, or use email",
    })
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
    .describe(
      "Saturation: more than this per instance per minute means no spare capacity (default: 1.5x the autoscaling target, else 120).",
    ),
  api5xxRate: rate(0.05).describe("Share of API requests answered with 5xx (0-1)."),
  api4xxRate: rate(0.25).describe("Includes throttled (429) and unauthorised (403) requests."),
  apiLatencyP90Ms: z
    .number()
    .positive()
    .default(25000)
    .describe("p90 of a buffered route's latency (POST /<model>/invoke), ms."),
  lambdaErrors: z.number().int().min(1).default(5).describe("Function errors per 5 minutes."),
  lambdaThrottles: z.number().int().min(1).default(1).describe("Throttled invocations per 5 minutes."),
  lambdaDurationRatio: z
    .number()
    .min(0.1)
    .max(1)
    .default(0.9)
    .describe("Alarm when the longest run reaches this share of the timeout."),
});

const ci = z.strictObject({
  repository: z
    .string()
    .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, {
      error: 'must be a GitHub repository like "acme/llm-api". Fix: use owner/name',
    })
    .describe("GitHub repository whose workflows may assume the roles."),
  branch: z.string().min(1).default("main").describe("Branch whose pushes may deploy."),
  environment: z
    .string()
    .min(1)
    .default("production")
    .describe("GitHub environment of the deploy job (its protection rules approve deploys)."),
  planEnvironment: z
    .string()
    .min(1)
    .optional()
    .describe(
      "GitHub environment of the pull-request plan job (give it required reviewers): the plan role then trusts only it, so no unreviewed branch reads the stage states, which hold key values. Default: every pull request of the repository may plan.",
    ),
  secretKmsKeyArns: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, {
        error:
          "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>). Fix: copy it from the secret's encryption key",
      }),
    )
    .optional()
    .describe(
      "Customer managed KMS keys that encrypt the secrets Terraform reads (Hugging Face tokens, imported consumer keys): the CI roles may decrypt with them, through Secrets Manager only. Secrets under AWS's managed key need nothing.",
    ),
  oidcProviderArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, {
      error:
        "must be the ARN of the account's GitHub OIDC provider. Fix: copy it from IAM > Identity providers, or leave it out to create one",
    })
    .optional()
    .describe("Use the account's existing GitHub OIDC provider instead of creating one (one per account)."),
});

const cost = z.strictObject({
  prices: z
    .record(z.string().regex(/^ml\.[a-z0-9]+\.[0-9]*x?large$/), z.number().positive())
    .default({})
    .describe("USD per instance-hour, overriding or adding to the built-in us-east-1 list prices."),
  serverlessRequestsPerMonth: z
    .number()
    .int()
    .min(0)
    .default(100000)
    .describe("Traffic assumed for serverless estimates."),
  serverlessAverageSeconds: z.number().positive().default(2).describe("Average duration of one serverless request."),
});

const state = z.strictObject({
  bucket: z
    .string()
    .regex(BUCKET, {
      error:
        "must be an S3 bucket name (3-63 lower-case letters, digits, '.', '-'). Fix: use the bucket output by the llm-api-state stack",
    })
    .describe("The state bucket (the state_bucket output of the <project>-state stack)."),
  keyPrefix: z
    .string()
    // Not empty: the keys would sit at the bucket's root, beside whatever else the bucket holds.
    .regex(/^[A-Za-z0-9._-][A-Za-z0-9._/-]*$/, {
      error: 'must be letters, digits, ".", "_", "-" or "/", and not empty. Fix: e.g. "llm-api"',
    })
    .default("llm-api")
    .describe("Prefix of every state key: <keyPrefix>/<stack>/terraform.tfstate."),
  region: z.string().regex(REGION).optional().describe("Bucket region (default: the top-level region)."),
});
export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    project: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,19}$/, {
        error: "must be 2-20 lower-case letters, digits or '-', starting with a letter. Fix: e.g. \"llm-api\"",
      })
      .default("llm-api")
      .describe(
        "Prefix of stack and resource names, and the value of the Project tag that separates projects in one account.",
      ),
    stage: z
      .string()
      .regex(STAGE, { error: STAGE_ERROR })
      .default("v1")
      .describe("API Gateway stage; the API stack is <project>-<stage>."),
    stages: z
      .array(z.string().regex(STAGE, { error: STAGE_ERROR }))
      .min(1)
      .optional()
      .describe('Several stages from one config, e.g. ["dev", "prod"]: one stack and state key each. Replaces stage.'),
    region: z
      .string()
      .regex(REGION, { error: 'must be an AWS region like "us-east-1". Fix: set the region to deploy to' })
      .describe("AWS region to deploy to."),
    tags: z
      .record(z.string().min(1).max(128), z.string().max(256))
      .default({})
      .describe("Tags on every resource, beside the Project, Stage and ManagedBy tags the stack sets."),
    models: z.array(modelSchema).default([]).describe("The models to serve, each with its own routes."),
    existingEndpoints: z
      .array(existingEndpointSchema)
      .default([])
      .describe("Endpoints that already exist, served by the API without being managed here."),
    endpoints: z
      .array(sharedEndpointSchema)
      .default([])
      .describe(
        "Shared endpoints: models with a placement run on them as inference components, several to an instance.",
      ),
    api: apiSchema.prefault({}).describe("The REST API: authentication, keys per consumer, throttling, CORS, domain."),
    lambda: lambda.prefault({}).describe("Defaults of every invoker function."),
    alarms: alarms.prefault({}).describe("CloudWatch alarms and where they notify."),
    cost: cost.prefault({}).describe("Inputs of the cost estimate (npm run cost)."),
    state: state
      .optional()
      .describe("Terraform state in S3 (locked with S3's lock file). Without it, state stays local."),
    ci: ci.optional().describe("Creates the llm-api-ci stack: GitHub OIDC roles for pull-request plans and deploys."),
  })
  // Cross-field checks run even when single fields failed, so every problem is reported at once.
  .superRefine((value, ctx) => checkCrossFields(value, ctx), { when: () => true })
  .superRefine((value, ctx) => checkDeployable(value, ctx), { when: () => true })
  // Only a config that passed every check gets here: it is reshaped into the alternatives it names.
  .transform(shapeConfig);

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export { functionSettingsOf } from "./shape";
export type {
  ModelConfig,
  ExistingEndpointConfig,
  ModelSource,
  Capacity,
  InstanceCapacity,
  ServerlessCapacity,
  SharedEndpointConfig,
  FunctionSettings,
  HuggingFaceSource,
  HuggingFaceSettings,
} from "./shape";

/** The stages to synthesise: `stages` when given, else the single `stage`. */
export function stagesOf(config: Config): readonly string[] {
  return config.stages ?? [config.stage];
}
