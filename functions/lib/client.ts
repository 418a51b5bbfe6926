import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

/**
 * One client per container, created at init and reused across invocations.
 * AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME points it at a local emulator in tests.
 */
export const runtime = new SageMakerRuntimeClient({ maxAttempts: 2 });

/** Model name to SageMaker endpoint name, set by the stack. */
export function endpointMap(env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, string>> {
  return Object.freeze(JSON.parse(env.MODEL_ENDPOINTS || "{}") as Record<string, string>);
}
