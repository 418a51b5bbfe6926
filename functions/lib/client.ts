import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

/**
 * One client per container, created at init and reused across invocations.
 * AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME points it at a local emulator in tests.
 */
export const runtime = new SageMakerRuntimeClient({ maxAttempts: 2 });
