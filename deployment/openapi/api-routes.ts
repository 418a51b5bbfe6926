/** What the API document is built from, shared by the document and the integrations it holds (apart, so neither imports the other). */

/** Who may call: a Bearer or x-api-key key, SigV4, or anyone. */
export type ApiAuth = "apiKey" | "iam" | "none";

/**
 * Where generated_text is in a direct integration's answer: TGI answers a list, LMI an object;
 * any other container's answer is passed through unchanged.
 */
export type DirectAnswer = "list" | "object" | "passthrough";

export interface ModelRoutes {
  /** Configured model name: paths /<model>/invoke and /<model>/stream. */
  readonly model: string;
  /** Buffered Lambda proxy integration URI (the function's invoke_arn). */
  readonly invokeUri: string;
  /** Response-streaming integration URI (see streamingInvokeUri); none for a direct integration. */
  readonly streamUri?: string;
  /** An own handler's /invoke body schema, or false for no check at the gateway. @default - the generate request */
  readonly requestSchema?: Record<string, unknown> | false;
  /** API Gateway calls SageMaker itself for /invoke: invokeUri is then the runtime URI (see directInvokeUri). */
  readonly direct?: {
    /** Role API Gateway assumes to call the endpoint. */
    readonly credentials: string;
    /** Where generated_text is in the model's answer: TGI answers a list, LMI an object. */
    readonly answer: DirectAnswer;
    /** Sent as X-Amzn-SageMaker-Custom-Attributes on every call. @default - the client's header, if any */
    readonly customAttributes?: string;
  };
}
