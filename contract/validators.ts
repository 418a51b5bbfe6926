/** A compiled validator: true when the value fits; else its first problem in `errors`. */
export interface CompiledValidator {
  (value: unknown): boolean;
  errors?: readonly ValidationError[] | null;
}

/** Ajv's error object, as far as the handlers read it. */
export interface ValidationError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- generated CommonJS (npm run validators)
const compiled = require("./validators.generated.js") as Record<
  "generateRequest" | "chatRequest" | "completionRequest" | "embeddingRequest" | "responsesRequest",
  CompiledValidator
>;

/** The request schemas of contract/, compiled ahead of time by Ajv. */
export const validateGenerateRequest = compiled.generateRequest;
export const validateChatRequest = compiled.chatRequest;
export const validateCompletionRequest = compiled.completionRequest;
export const validateEmbeddingRequest = compiled.embeddingRequest;
export const validateResponsesRequest = compiled.responsesRequest;
