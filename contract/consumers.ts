/**
 * How the authorizer learns whose key a request carries, and tells the handlers: the stack sets
 * CONSUMERS ({consumer: [models]}), KEY_HASH_SALT (a per-stage secret that API Gateway generates and
 * Terraform never prints) and CONSUMER_KEYS ([[keyHash(salt, key), consumer]], computed by Terraform at
 * apply, so no key value is in the function's settings and no hash in a plan can be tried against
 * guesses without the salt); the authorizer returns the consumer and its models as its context.
 */
export const CONSUMERS_ENV = "CONSUMERS";
export const CONSUMER_KEYS_ENV = "CONSUMER_KEYS";
export const KEY_HASH_SALT_ENV = "KEY_HASH_SALT";

/** What is hashed: Terraform has SHA-256 but no HMAC, so the salt and the key joined by a colon. */
export const keyHashInput = (salt: string, key: string): string => `${salt}:${key}`;

/** Imported keys shorter than this are refused at plan: a hash of a short key can be guessed. */
export const MIN_IMPORTED_KEY_CHARS = 32;

/** The authorizer's context as handlers see it in requestContext.authorizer (values are strings). */
export interface ConsumerContext {
  readonly consumer: string;
  /** JSON list of the models the consumer may call. */
  readonly models: string;
}
