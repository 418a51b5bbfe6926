import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

/**
 * One client per container, created at init and reused across invocations.
 * AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME points it at a local emulator in tests.
 */
export const runtime = new SageMakerRuntimeClient({
  maxAttempts: 2,
  // One Lambda container serves one request at a time; the local server runs many at once
  // through this one client, and the SDK's default of 50 sockets would queue them.
  requestHandler: { httpAgent: { maxSockets: 1024, keepAlive: true }, httpsAgent: { maxSockets: 1024, keepAlive: true } },
});
