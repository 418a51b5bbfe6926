import { z } from "zod";
import { SECRET_ARN } from "./patterns";

/** The REST API's settings: auth, throttling and quotas, consumers with their keys and budgets, CORS, the domain, access logs. */

const throttleSchema = z.strictObject({
  rateLimit: z.number().positive().max(10000).default(5).describe("Steady requests per second."),
  burstLimit: z.number().int().min(1).max(5000).default(10).describe("Burst of requests."),
});
const quotaSchema = z.strictObject({
  limit: z.number().int().min(1).describe("Requests per period and API key."),
  period: z
    .enum(["DAY", "WEEK", "MONTH"])
    .describe("The period the limit counts, from the start of each day, week or month (UTC)."),
});

const tokens = z.number().int().min(1).max(1e15);
const budgetSchema = z.strictObject({
  tokens: tokens.describe("Prompt and answer tokens per period, over all the consumer's models."),
  period: z.enum(["day", "month"]).describe("The period the budget counts, from the start of each day or month (UTC)."),
  models: z
    .record(z.string().min(1), tokens)
    .optional()
    .describe("Tokens per period for single models, within the total (model name to tokens)."),
  alarms: z.boolean().default(true).describe("Alarm at 80 % and 100 % of the budget (to the alarm topic)."),
});

const consumer = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, {
      error: "must be 1-32 lower-case letters, digits or '-', starting with a letter. Fix: e.g. \"search-team\"",
    })
    .describe("Who the key is for; names the key, the usage plan and the metrics."),
  models: z.array(z.string().min(1)).min(1).optional().describe("Models the key may call (default: every model)."),
  throttle: throttleSchema.optional().describe("Default: api.throttle."),
  quota: quotaSchema.optional().describe("Default: api.quota."),
  keySecretArn: z
    .string()
    .regex(SECRET_ARN, {
      error:
        "must be a Secrets Manager secret ARN. Fix: store the key (20 to 128 characters) as the secret's string and give its ARN",
    })
    .optional()
    .describe(
      "Import this consumer's key from a Secrets Manager secret (its string) instead of having API Gateway generate one.",
    ),
  budget: budgetSchema
    .optional()
    .describe(
      "Tokens the consumer may use per day or month; a request that could overspend it is refused (429 insufficient_quota).",
    ),
});

export const apiSchema = z.strictObject({
  auth: z.enum(["apiKey", "iam", "none"]).default("apiKey").describe("apiKey (x-api-key header), iam (SigV4) or none."),
  allowUnauthenticated: z
    .boolean()
    .default(false)
    .describe('Must be true to accept auth "none": a public API is never a default.'),
  throttle: z
    .strictObject({
      rateLimit: z.number().positive().max(10000).default(5).describe("Steady requests per second."),
      burstLimit: z.number().int().min(1).max(5000).default(10).describe("Burst of requests."),
    })
    .prefault({})
    .describe("Throttling per API key (its usage plan) with apiKey auth; per method (the stage) with iam or none."),
  quota: quotaSchema.optional().describe("Usage-plan quota per API key."),
  consumers: z
    .array(consumer)
    .min(1)
    .optional()
    .describe(
      "One API key and usage plan per consumer (team or application), each limited to its models. Without it, one key for all.",
    ),
  corsOrigins: z
    .array(
      z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, {
        error:
          'must be an origin like "https://chat.example.com" (scheme and host, no path), or "*". Fix: remove the path or trailing slash',
      }),
    )
    .default([])
    .describe("Browser origins allowed to call the API (CORS), e.g. where the chat page is hosted. Empty: no CORS."),
  domain: z
    .strictObject({
      name: z
        .string()
        .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/, {
          error: 'must be a domain name like "llm.example.com". Fix: use the name your certificate covers',
        })
        .describe("The API's domain name, e.g. llm.example.com."),
      certificateArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
          error: "must be an ACM certificate ARN in the API's region. Fix: copy it from ACM",
        })
        .describe("ACM certificate for the name, in the API's region."),
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
  accessLogRetentionDays: z
    .literal([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653])
    .default(30)
    .describe("Days CloudWatch Logs keeps the API's access logs (one of the periods CloudWatch Logs offers)."),
  manageAccountLogRole: z
    .boolean()
    .default(true)
    .describe(
      "Set the account-wide API Gateway CloudWatch role that access logs need. Set false when another stack manages it.",
    ),
});
