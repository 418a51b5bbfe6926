import { SageMakerRuntimeClient, type SageMakerRuntimeClientConfig } from "@aws-sdk/client-sagemaker-runtime";

/**
 * A SageMaker runtime client as the handlers use it. AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME
 * (the SDK's standard override) or `endpoint` points it elsewhere, such as an emulator.
 */
export function createRuntimeClient(config: SageMakerRuntimeClientConfig = {}): SageMakerRuntimeClient {
  return new SageMakerRuntimeClient({
    maxAttempts: 2,
    // One Lambda container serves one request at a time; the local server runs many at once
    // through one client, and the SDK's default of 50 sockets would queue them.
    requestHandler: {
      httpAgent: { maxSockets: 1024, keepAlive: true },
      httpsAgent: { maxSockets: 1024, keepAlive: true },
    },
    ...config,
  });
}

/** One client per container, created at init (which Lambda runs at full CPU) and reused across invocations. */
export const runtime = createRuntimeClient();
