import type { FromDraft4Schema } from "./schema-types";

/**
 * The body of POST /v1/chat/completions: OpenAI's chat request, the part this
 * API supports. The schema is draft 4, shared by API Gateway and the handler.
 */
export const chatRequestSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "ChatCompletionRequest",
  type: "object",
  required: ["model", "messages"],
  properties: {
    model: { type: "string", minLength: 1 },
    messages: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["role", "content"],
        properties: {
          role: { type: "string", enum: ["system", "developer", "user", "assistant"] },
          // A string, or a list of parts ({type: "text", text}); checkChatRequest reads either.
          content: {},
          name: { type: "string" },
        },
      },
    },
    stream: { type: "boolean" },
    stream_options: { type: "object", properties: { include_usage: { type: "boolean" } } },
    max_tokens: { type: "integer", minimum: 1, maximum: 32768 },
    max_completion_tokens: { type: "integer", minimum: 1, maximum: 32768 },
    temperature: { type: "number", minimum: 0, maximum: 2 },
    top_p: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 1 },
    stop: {},
    seed: { type: "integer", minimum: 0 },
    frequency_penalty: { type: "number", minimum: -2, maximum: 2 },
    presence_penalty: { type: "number", minimum: -2, maximum: 2 },
    n: { type: "integer", minimum: 1, maximum: 1 },
    // Sent by clients, meaningless here: accepted and ignored.
    user: { type: "string" },
    metadata: {},
    store: {},
    service_tier: {},
  },
} as const;

/** The body as the schema admits it; checkChatRequest then reads content parts and stop words. */
export type ChatCompletionBody = FromDraft4Schema<typeof chatRequestSchema>;

/** Accepted fields; user, metadata, store and service_tier are accepted and ignored. Anything else is refused by name. */
export const SUPPORTED_CHAT_FIELDS = new Set(Object.keys(chatRequestSchema.properties));

export interface ChatMessage {
  readonly role: "system" | "developer" | "user" | "assistant";
  readonly content: string;
}

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream?: boolean;
  readonly stream_options?: { readonly include_usage?: boolean };
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly stop?: string | readonly string[];
  readonly seed?: number;
  readonly frequency_penalty?: number;
  readonly presence_penalty?: number;
}
