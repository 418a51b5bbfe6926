import type { FromDraft4Schema, Given } from "./schema-types";
import { MAX_MODEL_NAME_CHARS } from "./routes";
import { samplingProperties } from "./sampling";

/**
 * The body of POST /v1/responses: OpenAI's Responses API, the stateless part. Items of `input`,
 * tools and text.format are read by the handler (functions/openai/lib/responses.ts), which names the
 * field at fault; what needs state kept on a server (previous_response_id, conversation, stored
 * prompts, background runs) is refused by name.
 */
export const responsesRequestSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "ResponsesRequest",
  type: "object",
  required: ["model", "input"],
  properties: {
    model: { type: "string", minLength: 1, maxLength: MAX_MODEL_NAME_CHARS },
    // A string, or a list of message and function call items.
    input: {},
    instructions: { type: "string", nullable: true },
    tools: {
      type: "array",
      nullable: true,
      maxItems: 128,
      items: { type: "object", required: ["type"], properties: { type: { type: "string" } } },
    },
    // "none", "auto", "required", or {type: "function", name}.
    tool_choice: {},
    parallel_tool_calls: { type: "boolean", nullable: true },
    text: {
      type: "object",
      nullable: true,
      properties: {
        format: {
          type: "object",
          nullable: true,
          required: ["type"],
          properties: {
            type: { type: "string", enum: ["text", "json_object", "json_schema"] },
            name: { type: "string" },
            description: { type: "string" },
            schema: { type: "object" },
            strict: { type: "boolean", nullable: true },
          },
        },
        verbosity: {},
      },
    },
    max_output_tokens: { type: "integer", nullable: true, minimum: 1, maximum: 32768 },
    temperature: samplingProperties.temperature,
    top_p: samplingProperties.top_p,
    stream: samplingProperties.stream,
    // Accepted; nothing is stored (the answer says store: false).
    store: { type: "boolean", nullable: true },
    metadata: { type: "object", nullable: true },
    // Codex sends it on every request; like metadata, nothing reads it.
    client_metadata: { type: "object", nullable: true },
    user: { type: "string", nullable: true },
    // Sent by clients, meaningless here: accepted and ignored.
    truncation: {},
    reasoning: {},
    service_tier: {},
    safety_identifier: {},
    prompt_cache_key: {},
    prompt_cache_retention: {},
    prompt_cache_options: {},
    context_management: {},
    stream_options: {},
    // Read with include: ["message.output_text.logprobs"].
    top_logprobs: {},
    max_tool_calls: {},
    // Need state or services kept by OpenAI: refused by name when given.
    previous_response_id: {},
    conversation: {},
    prompt: {},
    background: {},
    // Values that ask for nothing stored are taken; the handler refuses the rest by name.
    include: {},
  },
} as const;

export type ResponsesBody = Given<FromDraft4Schema<typeof responsesRequestSchema>>;
