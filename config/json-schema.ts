import { z } from "zod";
import { configSchema } from "./schema";

/**
 * The config's JSON Schema, for editor completion. Cross-field rules (one model
 * source, min <= max...) are checked by synth, not by the schema.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", target: "draft-7", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: "https://llm-api.local/schema/llm-api.config.schema.json",
    title: "LLM API config",
    description: "One file describes the models, the API and the state backend. Reference: docs/configuration.md.",
  };
}
