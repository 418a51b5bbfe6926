import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import type { Writable } from "node:stream";
import { meter } from "../lib/metering";
import { consumerOf } from "../lib/models";
import type { ErrorBody } from "../../contract/errors";

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
export interface Session {
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
}

/** The request's metrics, with the tokens the model reported. */
export function meterSession(session: Session, event: APIGatewayProxyEvent, status: number): void {
  const { inputTokens, outputTokens, firstTokenMs, heldMs, generation, started } = session.tally;
  const durationMs = Date.now() - started;
  meter({ model: session.model, consumer: consumerOf(event), status, inputTokens, outputTokens, firstTokenMs, heldMs, generation, durationMs });
}
