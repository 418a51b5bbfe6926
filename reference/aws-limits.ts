/**
 * AWS constants the stacks, the local stack and the emulator share, each from where AWS states it.
 */

/**
 * API Gateway (REST) ends an integration that has not answered after this long: its default and,
 * without a quota increase, its maximum (API Gateway quotas, "Integration timeout": 50 ms to 29 s).
 */
export const API_GATEWAY_INTEGRATION_TIMEOUT_MS = 29_000;
export const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = API_GATEWAY_INTEGRATION_TIMEOUT_MS / 1000;

/**
 * The name of every endpoint config's one production variant, as SageMaker's own tooling names it;
 * its metrics and Application Auto Scaling's resource ids carry it (endpoint/<name>/variant/AllTraffic).
 */
export const VARIANT_NAME = "AllTraffic";

/**
 * IAM's quotas on a role's policies ("IAM and AWS STS quotas", IAM user guide): a managed policy
 * holds up to 6,144 characters (white space not counted; not raisable); a role may have up to 10
 * managed policies attached by default (raisable to 20), and its inline policies together hold up
 * to 10,240 characters (not raisable).
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;
export const MANAGED_POLICIES_PER_ROLE = 10;
export const ROLE_INLINE_POLICY_MAX_CHARS = 10_240;

/** Lambda's limit on a function's environment: 4 KB for all keys and values together, not raisable (Lambda quotas). */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

/** Secrets Manager's limit on a secret's value: 65,536 bytes (Secrets Manager quotas). */
export const SECRET_VALUE_MAX_BYTES = 65_536;
