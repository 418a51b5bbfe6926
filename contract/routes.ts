/**
 * The API's routes and how a handler reaches each model: shared by the handlers,
 * the OpenAPI builder and the local server, so a path is spelled in one place.
 */
export const invokePath = (model: string): string => `/${model}/invoke`;
export const streamPath = (model: string): string => `/${model}/stream`;
export const CHAT_PATH = "/v1/chat/completions";
export const MODELS_PATH = "/v1/models";
/** One model, as the openai SDK's models.retrieve asks for it. */
export const MODEL_PATH = "/v1/models/{model}";
export const COMPLETIONS_PATH = "/v1/completions";
export const EMBEDDINGS_PATH = "/v1/embeddings";
export const RESPONSES_PATH = "/v1/responses";

/** The OpenAI-compatible routes, all served by one function: the API's document and the function's permissions list these. */
export const OPENAI_ROUTES = [
  { id: "chat-completions", method: "POST", path: CHAT_PATH },
  { id: "chat-models", method: "GET", path: MODELS_PATH },
  { id: "chat-model", method: "GET", path: MODEL_PATH },
  { id: "completions", method: "POST", path: COMPLETIONS_PATH },
  { id: "embeddings", method: "POST", path: EMBEDDINGS_PATH },
  { id: "responses", method: "POST", path: RESPONSES_PATH },
] as const;

/** A route's path as an execute-api ARN's resource: each {parameter} matches any segment. */
export const arnPath = (path: string): string => path.replace(/\{[^}]+\}/g, "*");

/**
 * The file beside the OpenAI function's code that holds its model table ({models}), where Lambda's
 * 4 KB environment could not; a function with one model gets it in MODELS instead.
 */
export const SETTINGS_FILE = "settings.json";

/** How a handler reaches one configured model; set by the stack as JSON in MODELS or SETTINGS_FILE. */
export interface ModelRoute {
  readonly endpoint: string;
  /** "messages": the backend's own chat API; "prompt": chat rendered into a prompt for the generate API; "none": no chat. */
  readonly chat: "messages" | "prompt" | "none";
  /** Whether the endpoint supports InvokeEndpointWithResponseStream (serverless endpoints do not). */
  readonly stream: boolean;
  /** Stream format of the serving container: TGI's SSE (also the default) or LMI's JSON lines. */
  readonly server?: "tgi" | "lmi";
  /** Sent as X-Amzn-SageMaker-Custom-Attributes unless the client sends its own (e.g. accept_eula=true). */
  readonly customAttributes?: string;
  /** "embedding": a Text Embeddings Inference model, served at /v1/embeddings only. @default - text generation */
  readonly task?: "embedding";
  /** vLLM started with a tool-call parser, so it can pick a tool itself (tool_choice "auto"); TGI always can. */
  readonly autoTools?: boolean;
  /** A vision model: it takes image parts as data: URLs, or also https: URLs, which its server fetches. */
  readonly vision?: "data" | "https";
  /** The model runs as this inference component of the endpoint (InferenceComponentName on every call). */
  readonly component?: string;
  /** Prompt and answer tokens the model's server takes per call (maxTotalTokens), where the config sets it. */
  readonly contextTokens?: number;
}

/** Longest model name a request may give: config names are at most 32, and a longer one is only echoed and logged. */
export const MAX_MODEL_NAME_CHARS = 256;
