/**
 * How the authorizer learns whose key a request carries, and tells the handlers: the stack sets
 * CONSUMERS ({consumer: [models]}) and CONSUMER_KEYS ([[sha256 of the key, consumer]], computed by
 * Terraform from the generated keys, so no key value is in the function's settings); the authorizer
 * returns the consumer and its models as its context.
 */
export const CONSUMERS_ENV = "CONSUMERS";
export const CONSUMER_KEYS_ENV = "CONSUMER_KEYS";

/** The authorizer's context as handlers see it in requestContext.authorizer (values are strings). */
export interface ConsumerContext {
  readonly consumer: string;
  /** JSON list of the models the consumer may call. */
  readonly models: string;
}
