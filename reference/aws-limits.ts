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
