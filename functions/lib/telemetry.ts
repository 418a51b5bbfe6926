import type { APIGatewayProxyEvent } from "aws-lambda";
import type { HttpError } from "./errors";
import { log, logFailure } from "./log";
import { meter, type RequestMeter } from "./metering";
import { consumerOf } from "./models";
import { INSUFFICIENT_QUOTA } from "../../contract/errors";

/**
 * The one record of a request every handler writes when it is over: a log line (info on success;
 * warn or error on failure, "closed by the client" when the client left) and one EMF metrics record
 * with the tokens the model reported and the consumer's budget. The handlers call one of the two
 * below, once per request.
 */
export interface RequestRecord {
  /** The handler's name in the log: "invoke", "stream", or the OpenAI route. */
  readonly name: string;
  readonly event: APIGatewayProxyEvent;
  readonly requestId: string;
  readonly model?: string;
  readonly started: number;
}

/** What the metrics record carries beside the request's status and duration. */
export type MeterFields = Omit<RequestMeter, "model" | "consumer" | "status" | "durationMs">;

/** `message`: the log line's, when it names more than the handler (the OpenAI function's route). */
export function requestSucceeded(
  r: RequestRecord,
  logFields: Record<string, unknown>,
  meterFields: MeterFields,
  message = r.name,
): void {
  const latencyMs = Date.now() - r.started;
  log("info", message, { requestId: r.requestId, model: r.model, status: 200, ...logFields, latencyMs });
  meter({ model: r.model, consumer: consumerOf(r.event), status: 200, ...meterFields, durationMs: latencyMs });
}

export function requestFailed(
  r: RequestRecord,
  error: HttpError,
  logFields: Record<string, unknown>,
  meterFields: MeterFields,
): void {
  const latencyMs = Date.now() - r.started;
  const closed = error.type === "client_closed";
  logFailure(`${r.name} ${closed ? "closed by the client" : "failed"}`, error.statusCode, {
    requestId: r.requestId,
    model: r.model,
    type: error.type,
    ...logFields,
    latencyMs,
  });
  const budgetRefused = error.type === INSUFFICIENT_QUOTA;
  meter({
    model: r.model,
    consumer: consumerOf(r.event),
    status: error.statusCode,
    ...meterFields,
    budgetRefused,
    durationMs: latencyMs,
  });
}
