/** The sampling fields OpenAI's chat and legacy completion requests share, with the bounds this API takes. */
export const samplingProperties = {
  stream: { type: "boolean" },
  stream_options: { type: "object", properties: { include_usage: { type: "boolean" } } },
  max_tokens: { type: "integer", minimum: 1, maximum: 32768 },
  temperature: { type: "number", minimum: 0, maximum: 2 },
  top_p: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 1 },
  // A string or up to 4 strings; the handlers check which.
  stop: {},
  seed: { type: "integer", minimum: 0 },
  frequency_penalty: { type: "number", minimum: -2, maximum: 2 },
  presence_penalty: { type: "number", minimum: -2, maximum: 2 },
  n: { type: "integer", minimum: 1, maximum: 1 },
} as const;
