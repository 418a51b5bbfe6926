import type { FromDraft4Schema } from "./schema-types";

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
    model: { type: "string", minLength: 1 },
    // A string, or a list holding one string; the handler reads either.
    prompt: {},
    max_tokens: { type: "integer", minimum: 1, maximum: 32768 },
    temperature: { type: "number", minimum: 0, maximum: 2 },
    top_p: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 1 },
    stop: {},
    seed: { type: "integer", minimum: 0 },
    frequency_penalty: { type: "number", minimum: -2, maximum: 2 },
    presence_penalty: { type: "number", minimum: -2, maximum: 2 },
    n: { type: "integer", minimum: 1, maximum: 1 },
    best_of: { type: "integer", minimum: 1, maximum: 1 },
    stream: { type: "boolean" },
    stream_options: { type: "object", properties: { include_usage: { type: "boolean" } } },
    echo: { type: "boolean" },
    logprobs: {},
    suffix: {},
    user: { type: "string" },
  },
} as const;

export type CompletionBody = FromDraft4Schema<typeof completionRequestSchema>;
