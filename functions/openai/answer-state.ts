import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import type { Writable } from "node:stream";
import type { MeterFields, RequestRecord } from "../lib/telemetry";
import type { ErrorBody } from "../../contract/errors";
import type { HttpError } from "../lib/errors";
import type { ModelRoute } from "../lib/models";
import { reserveFor, type BudgetHold } from "../lib/budget-gate";

/** Tokens as the model reported them, and when the first one went out. */
export interface Tally {
  inputTokens?: number;
  outputTokens?: number;
  firstTokenMs?: number;
  /** How long the request was held while its model woke from zero copies. */
  heldMs?: number;
  /** The request called a text generation model, whose token counts the meter expects. */
  generation?: boolean;
  readonly started: number;
}

/** One request of the OpenAI function, as far as answering it (or its failure) goes. */
export interface AnswerState {
  readonly requestId: string;
  readonly headers: Record<string, string>;
  readonly responseStream: Writable;
  readonly context: Context;
  /** Aborted when the client leaves. */
  readonly cancel: AbortSignal;
  model?: string;
  stream?: boolean;
  /** The answer's stream, once its status is sent. */
  out?: Writable;
  /** Writes a failure into the open stream in the route's own format (default: an OpenAI chat error chunk). */
  streamError?: (body: ErrorBody) => string;
  readonly tally: Tally;
  /** Stops the answer (its model call included) with this failure: a budget's lease that could not be kept. */
  readonly stop: (error: HttpError) => void;
  /** The request's tokens reserved against its consumer's budget, until the answer settles them. */
  reservation?: BudgetHold;
}

/** Reserves the request's most against its consumer's budget, if it has one, before the model is called. */
export async function reserveBudget(
  event: APIGatewayProxyEvent,
  session: AnswerState,
  call: { readonly model: string; readonly route: ModelRoute },
  output: number | null | undefined,
): Promise<void> {
  session.reservation = await reserveFor(
    event,
    { model: call.model, route: call.route, output: output ?? undefined },
    session,
  );
}

/** Settles the reservation with what the model reported (or, for an answer that went out unreported, all of it); the share used, in percent. */
export async function settleBudget(session: AnswerState, status: number): Promise<number | undefined> {
  const reservation = session.reservation;
  session.reservation = undefined;
  return reservation?.settle(session.tally, status < 400 || session.tally.firstTokenMs !== undefined);
}

/** The request as its telemetry names it; the model is known once the route has read the body. */
export const recordOf = (session: AnswerState, event: APIGatewayProxyEvent): RequestRecord => ({
  name: "chat",
  event,
  requestId: session.requestId,
  model: session.model,
  started: session.tally.started,
});

/** The request's metrics: the tokens the model reported, and the consumer's budget used. */
export function meterFieldsOf(session: AnswerState, budgetUsedPercent: number | undefined): MeterFields {
  const { inputTokens, outputTokens, firstTokenMs, heldMs, generation } = session.tally;
  return { inputTokens, outputTokens, firstTokenMs, heldMs, generation, budgetUsedPercent };
}
