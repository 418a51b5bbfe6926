import type { ServerResponse } from "node:http";
import { VARIANT_NAME } from "../../reference/aws-limits";

/** The SageMaker runtime's HTTP answers, as the restJson1 protocol sends them. */
export const ROUTE = /^\/endpoints\/([^/]+)\/(invocations|invocations-response-stream)$/;

export const STREAM_HEADERS = {
  "content-type": "application/vnd.amazon.eventstream",
  "x-amzn-sagemaker-content-type": "text/event-stream",
  "x-amzn-invoked-production-variant": VARIANT_NAME,
} as const;

/** An error: status, X-Amzn-ErrorType header, JSON body. */
export function writeRuntimeError(
  res: ServerResponse,
  status: number,
  type: string,
  body: Record<string, unknown>,
): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type });
  res.end(JSON.stringify(body));
}

/** What SageMaker answers when the container itself returns an error status. */
export function writeModelError(res: ServerResponse, originalStatus: number, originalMessage: string): void {
  writeRuntimeError(res, 424, "ModelError", {
    Message: `Received client error (${originalStatus}) from primary with message "${originalMessage.slice(0, 200)}". See CloudWatch logs.`,
    OriginalStatusCode: originalStatus,
    OriginalMessage: originalMessage,
    LogStreamArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/local",
  });
}
