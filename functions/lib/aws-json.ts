import { SignatureV4 } from "@smithy/signature-v4";
import { runtime } from "./client";
import { handlerSettings } from "./settings";

/**
 * One call of an AWS JSON-protocol API, signed with SigV4 by the SDK's own signer, with the
 * credentials, region and hash of the container's SageMaker runtime client. The functions make two
 * kinds of such calls, both only while a model wakes from zero copies: SageMaker's control plane
 * (DescribeInferenceComponent, UpdateInferenceComponentRuntimeConfig) and DynamoDB's UpdateItem.
 * Not the SDK's clients: bundled, @aws-sdk/client-sagemaker and @aws-sdk/client-dynamodb took each
 * function from 305 KB to 974 KB of code (the budget is 500 KB), for three operations. A test checks
 * these requests against what those clients send (__tests__/unit/aws-json.test.ts).
 */
export const SERVICES = {
  sagemaker: { prefix: "SageMaker", json: "1.1", endpointEnv: "AWS_ENDPOINT_URL_SAGEMAKER" },
  dynamodb: { prefix: "DynamoDB_20120810", json: "1.0", endpointEnv: "AWS_ENDPOINT_URL_DYNAMODB" },
} as const;
export type JsonService = keyof typeof SERVICES;

/** An error as the service answered it: its type's short name (ValidationException, ConditionalCheckFailedException...). */
export class AwsCallError extends Error {
  constructor(
    readonly name: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** Where a service is reached: the local stack's override, the SDK's standard variable, or AWS. */
function endpointOf(service: JsonService, region: string): string {
  const local = handlerSettings().endpoints?.[service];
  return (
    local ??
    process.env[SERVICES[service].endpointEnv] ??
    `https://${service === "sagemaker" ? "api.sagemaker" : "dynamodb"}.${region}.amazonaws.com`
  );
}

export async function awsJsonCall<T>(
  service: JsonService,
  operation: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const client = handlerSettings().runtime ?? runtime;
  const region = await client.config.region();
  const url = new URL(endpointOf(service, region));
  const { prefix, json } = SERVICES[service];
  const body = JSON.stringify(input);
  const signer = new SignatureV4({
    service,
    region,
    credentials: client.config.credentials,
    sha256: client.config.sha256,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: {
      host: url.host,
      "content-type": `application/x-amz-json-${json}`,
      "x-amz-target": `${prefix}.${operation}`,
    },
    body,
  });
  const response = await fetch(url, { method: "POST", headers: signed.headers, body, signal });
  const text = await response.text();
  const parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (response.ok) return parsed as T;
  // The error's type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException" or "ValidationException".
  const type = String(parsed.__type ?? response.headers.get("x-amzn-errortype") ?? "UnknownError")
    .split("#")
    .pop()!
    .split(":")[0];
  throw new AwsCallError(type, String(parsed.message ?? parsed.Message ?? text), response.status);
}
