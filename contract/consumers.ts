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

/**
 * Deployed, the tables outgrow Lambda's 4 KB environment near 25 consumers: the consumers' models go
 * in the authorizer's settings file (SETTINGS_FILE, {consumers}), known at synth; the salt and the
 * key hashes, known only at apply, in a Secrets Manager secret whose ARN is in this variable, read
 * once per container (and again after KEY_TABLE_TTL_MS, so a new key is known without a redeploy).
 */
export const CONSUMER_KEYS_SECRET_ENV = "CONSUMER_KEYS_SECRET";

/** The secret's value. */
export interface KeyTable {
  readonly salt: string;
  /** [[salted sha256 of a key, consumer], ...] */
  readonly keys: readonly (readonly [string, string])[];
}

/** What is hashed: Terraform has SHA-256 but no HMAC, so the salt and the key joined by a colon. */
export const KEY_HASH_SEPARATOR = ":";
export const keyHashInput = (salt: string, key: string): string => [salt, key].join(KEY_HASH_SEPARATOR);

/** Imported keys shorter than this are refused at plan: a hash of a short key can be guessed. */
export const MIN_IMPORTED_KEY_CHARS = 32;

/** The authorizer's context as handlers see it in requestContext.authorizer (values are strings). */
export interface ConsumerContext {
  readonly consumer: string;
  /** JSON list of the models the consumer may call. */
  readonly models: string;
}
