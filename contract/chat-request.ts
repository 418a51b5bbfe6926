import type { FromDraft4Schema, Given } from "./schema-types";
import { MAX_MODEL_NAME_CHARS } from "./routes";
import { samplingProperties } from "./sampling";

/**
 * The body of POST /v1/chat/completions: OpenAI's chat request, the part this
 * API supports. The schema is draft 4, shared by API Gateway and the handler.
 */
const toolCall = {
  type: "object",
  required: ["id", "type", "function"],
  properties: {
    id: { type: "string", minLength: 1 },
    type: { type: "string", enum: ["function"] },
    function: {
      type: "object",
      required: ["name", "arguments"],
      properties: { name: { type: "string", minLength: 1 }, arguments: { type: "string" } },
    },
  },
} as const;

const tool = {
  type: "object",
  required: ["type", "function"],
  properties: {
    type: { type: "string", enum: ["function"] },
    function: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
        description: { type: "string" },
        // A JSON Schema of the arguments, passed to the model as it is.
        parameters: { type: "object" },
        strict: { type: "boolean" },
      },
    },
  },
} as const;

export const chatRequestSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "ChatCompletionRequest",
  type: "object",
  required: ["model", "messages"],
  properties: {
    model: { type: "string", minLength: 1, maxLength: MAX_MODEL_NAME_CHARS },
    messages: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["role"],
        properties: {
          role: { type: "string", enum: ["system", "developer", "user", "assistant", "tool"] },
          // A string, a list of parts ({type: "text", text}), or null beside tool_calls; checkChatRequest reads each.
          content: {},
          name: { type: "string", nullable: true },
          tool_calls: { type: "array", nullable: true, items: toolCall },
          tool_call_id: { type: "string", nullable: true, minLength: 1 },
        },
      },
    },
    ...samplingProperties,
    max_completion_tokens: { type: "integer", nullable: true, minimum: 1, maximum: 32768 },
    tools: { type: "array", nullable: true, items: tool, maxItems: 128 },
    // "none", "auto", "required", or {type: "function", function: {name}}; checkChatRequest checks which.
    tool_choice: {},
    parallel_tool_calls: { type: "boolean", nullable: true },
    response_format: {
      type: "object",
      nullable: true,
      required: ["type"],
      properties: {
        type: { type: "string", enum: ["text", "json_object", "json_schema"] },
        json_schema: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string" },
            description: { type: "string" },
            schema: { type: "object" },
            strict: { type: "boolean" },
          },
        },
      },
    },
    logprobs: { type: "boolean", nullable: true },
    top_logprobs: { type: "integer", nullable: true, minimum: 0, maximum: 20 },
    // Sent by clients, meaningless here: accepted and ignored.
    user: { type: "string", nullable: true },
    metadata: {},
    store: {},
    service_tier: {},
  },
} as const;

/** The body as the schema admits it; checkChatRequest then reads content parts and stop words. */
export type ChatCompletionBody = Given<FromDraft4Schema<typeof chatRequestSchema>>;

export interface ToolCall {
  readonly id: string;
  readonly type: "function";
  readonly function: { readonly name: string; readonly arguments: string };
}

/** A part of a message for a vision model: text, or an image as a data: or https: URL. */
export type ContentPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image_url"; readonly image_url: { readonly url: string; readonly detail?: string } };

/** The text of content parts, joined by line breaks; images add none. */
export const textOfParts = (parts: readonly { readonly type?: unknown; readonly text?: unknown }[]): string =>
  parts.map((p) => (p.type === "text" && typeof p.text === "string" ? p.text : "")).join("\n");

export interface ChatMessage {
  readonly role: "system" | "developer" | "user" | "assistant" | "tool";
  /** Text parts joined; the parts as sent when there is an image; null only for an assistant turn that calls tools. */
  readonly content: string | readonly ContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: readonly ToolCall[];
  readonly tool_call_id?: string;
}

export type ToolChoice =
  "none" | "auto" | "required" | { readonly type: "function"; readonly function: { readonly name: string } };

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
  readonly tools?: readonly {
    readonly type: "function";
    readonly function: {
      readonly name: string;
      readonly description?: string;
      readonly parameters?: object;
      readonly strict?: boolean;
    };
  }[];
  readonly tool_choice?: ToolChoice;
  readonly parallel_tool_calls?: boolean;
  readonly response_format?: {
    readonly type: "text" | "json_object" | "json_schema";
    readonly json_schema?: { readonly name: string; readonly schema?: object; readonly strict?: boolean };
  };
  readonly logprobs?: boolean;
  readonly top_logprobs?: number;
}
