import type { FromDraft4Schema, Given } from "./schema-types";
import { MAX_MODEL_NAME_CHARS } from "./routes";
import { samplingProperties } from "./sampling";

/**
 * The body of POST /v1/completions: OpenAI's legacy text completion, served by the model's generate
 * API. Fields that only OpenAI's own models honour (suffix, echo, best_of > 1, logprobs) are
 * refused by the handler by name.
 */
export const completionRequestSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "CompletionRequest",
  type: "object",
  required: ["model", "prompt"],
  properties: {
    model: { type: "string", minLength: 1, maxLength: MAX_MODEL_NAME_CHARS },
    // A string, or a list holding one string; the handler reads either.
    prompt: {},
    ...samplingProperties,
    best_of: { type: "integer", nullable: true, minimum: 1, maximum: 1 },
    echo: { type: "boolean", nullable: true },
    logprobs: {},
    suffix: {},
    user: { type: "string", nullable: true },
  },
} as const;

export type CompletionBody = Given<FromDraft4Schema<typeof completionRequestSchema>>;
