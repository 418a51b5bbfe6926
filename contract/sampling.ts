/**
 * The sampling fields OpenAI's chat and legacy completion requests share, with the bounds this API
 * takes. Each may be null, as OpenAI accepts: null means "not given" (withoutNulls drops it).
 */
export const samplingProperties = {
  stream: { type: "boolean", nullable: true },
  stream_options: {
    type: "object",
    nullable: true,
    properties: { include_usage: { type: "boolean", nullable: true } },
  },
  max_tokens: { type: "integer", nullable: true, minimum: 1, maximum: 32768 },
  temperature: { type: "number", nullable: true, minimum: 0, maximum: 2 },
  top_p: { type: "number", nullable: true, minimum: 0, exclusiveMinimum: true, maximum: 1 },
  // A string or up to 4 strings; the handlers check which.
  stop: {},
  seed: { type: "integer", nullable: true, minimum: 0 },
  frequency_penalty: { type: "number", nullable: true, minimum: -2, maximum: 2 },
  presence_penalty: { type: "number", nullable: true, minimum: -2, maximum: 2 },
  n: { type: "integer", nullable: true, minimum: 1, maximum: 1 },
} as const;
