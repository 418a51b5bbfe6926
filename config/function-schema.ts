import { z } from "zod";
import { seconds } from "./patterns";

/** A model's own function settings: timeouts, memory, concurrency, a handler of its own, extra IAM statements. */

const statement = z.strictObject({
  Sid: z
    .string()
    .regex(/^[A-Za-z0-9]*$/)
    .optional()
    .describe("Statement id."),
  Effect: z.enum(["Allow", "Deny"]).default("Allow").describe("Allow or Deny."),
  Action: z
    .union([z.string().min(3), z.array(z.string().min(3)).min(1)])
    .describe('IAM actions, e.g. "dynamodb:GetItem".'),
  Resource: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe('ARNs the actions apply to ("*" is refused).'),
});

export const functionSettingsSchema = z.strictObject({
  timeoutSeconds: seconds(3, 900)
    .optional()
    .describe("Of the model's /invoke function (API Gateway still ends buffered calls at 29 s)."),
  streamTimeoutSeconds: seconds(3, 900)
    .optional()
    .describe("Of the model's /stream function (default: lambda.streamTimeoutSeconds)."),
  memorySizeMb: z
    .number()
    .int()
    .min(128)
    .max(10240)
    .optional()
    .describe("Memory of the model's functions, MB (default: lambda.memorySizeMb)."),
  reservedConcurrency: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe("Reserve (and cap) concurrent executions of each of the model's functions."),
  environment: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .refine((k) => !/(TOKEN|SECRET|PASSWORD|API_KEY|CREDENTIALS)$/i.test(k), {
          error: "looks like a secret. Fix: keep secrets in Secrets Manager and read them in the handler",
        })
        .refine(
          (k) =>
            ![
              "MODELS",
              "CORS_ORIGINS",
              "AWS_REGION",
              "METRICS_NAMESPACE",
              "STAGE",
              "CONSUMERS",
              "CONSUMER_KEYS",
              "KEY_HASH_SALT",
            ].includes(k),
          {
            error: "is set by the stack. Fix: use another name",
          },
        ),
      z.string(),
    )
    .default({})
    .describe(
      "Environment variables of the model's functions; names that look like secrets, or that the stack sets, are refused.",
    ),
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
    .regex(/^[\w./-]+\.(ts|js|mjs)$/, {
      error: 'must be a .ts or .js file in the project. Fix: e.g. "handlers/my-invoke.ts"',
    })
    .optional()
    .describe("Your own /invoke handler, bundled like the built-in one (see docs/options.md, the handler contract)."),
  requestSchema: z
    .union([
      z.literal(false),
      z.string().regex(/^[\w./-]+\.json$/, {
        error: 'must be a .json file in the project, or false. Fix: e.g. "handlers/classify.schema.json"',
      }),
    ])
    .optional()
    .describe(
      "With your own handler: the JSON Schema (draft 4) file API Gateway checks /invoke bodies against instead of the generate request, or false for no check at the gateway.",
    ),
  extraStatements: z
    .array(statement)
    .default([])
    .describe("IAM statements added to the model's functions, e.g. to read a DynamoDB table."),
});
