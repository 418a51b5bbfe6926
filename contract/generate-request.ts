import type { FromDraft4Schema } from "./schema-types";

/**
 * The body of POST /{model}/invoke: Text Generation Inference's generate
 * payload. One JSON Schema (draft 4, what API Gateway validates with) serves
 * the OpenAPI document and the handler, so both reject the same requests.
 */
export const generateRequestSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "GenerateRequest",
  type: "object",
  required: ["inputs"],
  additionalProperties: false,
  properties: {
    // No maxLength: bodies over the size limit get a 413, and the model limits prompts in tokens (422).
    inputs: { type: "string", minLength: 1, description: "The prompt." },
    parameters: {
      type: "object",
      additionalProperties: false,
      properties: {
        max_new_tokens: { type: "integer", minimum: 1, maximum: 32768 },
        temperature: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 100 },
        top_p: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
        top_k: { type: "integer", minimum: 1 },
        typical_p: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
        repetition_penalty: { type: "number", minimum: 0, exclusiveMinimum: true },
        frequency_penalty: { type: "number", minimum: -2, maximum: 2 },
        stop: { type: "array", items: { type: "string", minLength: 1 }, maxItems: 4 },
        do_sample: { type: "boolean" },
        seed: { type: "integer", minimum: 0 },
        return_full_text: { type: "boolean" },
        truncate: { type: "integer", minimum: 1 },
        watermark: { type: "boolean" },
        details: { type: "boolean" },
      },
    },
  },
} as const;

/** The request as the schema admits it, derived from the schema so the two cannot drift. */
export type GenerateRequest = FromDraft4Schema<typeof generateRequestSchema>;

export const generateResponseSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "GenerateResponse",
  type: "object",
  required: ["generated_text"],
  properties: { generated_text: { type: "string" } },
} as const;

/** Every error, in OpenAI's shape (contract/errors.ts). */
export const errorResponseSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "Error",
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["message", "type", "code"],
      properties: {
        message: { type: "string" },
        type: {
          type: "string",
          enum: [
            "invalid_request_error",
            "authentication_error",
            "permission_error",
            "not_found_error",
            "rate_limit_error",
            "server_error",
          ],
        },
        param: { type: "string", nullable: true, description: "The request field at fault, or null." },
        code: {
          type: "string",
          description: "This API's name for the failure, such as invalid_request or model_error.",
        },
      },
    },
  },
} as const;
