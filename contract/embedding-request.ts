import type { FromDraft4Schema, Given } from "./schema-types";
import { MAX_MODEL_NAME_CHARS } from "./routes";

/** The body of POST /v1/embeddings: OpenAI's embeddings request, for models served by Text Embeddings Inference. */
export const embeddingRequestSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "EmbeddingRequest",
  type: "object",
  required: ["model", "input"],
  properties: {
    model: { type: "string", minLength: 1, maxLength: MAX_MODEL_NAME_CHARS },
    // A string or a list of strings; token arrays are refused by the handler (TEI takes text).
    input: {},
    encoding_format: { type: "string", nullable: true, enum: ["float", "base64", null] },
    dimensions: { type: "integer", nullable: true, minimum: 1 },
    user: { type: "string", nullable: true },
  },
} as const;

export type EmbeddingBody = Given<FromDraft4Schema<typeof embeddingRequestSchema>>;
