import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { timeLeftMs } from "./timing";
import { HttpError, echo } from "./errors";
import { consumerOf, type ModelRoute } from "./models";
import { reserve } from "./budget";
import { BUDGET_REMAINING_HEADER, BUDGET_WAIT_SECONDS, TEMPLATE_MARGIN_TOKENS } from "../../contract/budget";

/** What a request keeps of its function's time for its answer after waiting for budget room. */
const ANSWER_AFTER_WAIT_MS = 15_000;

/**
 * The most a request can use, before it runs: its prompt is bounded by its body's bytes (a token of
 * a byte-level BPE vocabulary is at least one byte) plus what a chat template adds; its answer by
 * the output budget it names, else by the model's context, which also bounds the two together.
 * Embeddings answer no tokens.
 */
export function mostTokens(
  bodyBytes: number,
  output: number | undefined,
  route: Pick<ModelRoute, "task" | "contextTokens">,
  model: string,
): number {
  if (route.task === "embedding") return bodyBytes;
  const context = route.contextTokens;
  if (output === undefined && context === undefined)
    throw new HttpError(
      400,
      "invalid_request",
      `This key has a token budget and the context of "${echo(model)}" is not known: name max_tokens.`,
      "max_tokens",
    );
  const most = bodyBytes + TEMPLATE_MARGIN_TOKENS + (output ?? context!);
  return context === undefined ? most : Math.min(most, context);
}

/** The output budget a request names, in whichever API's word for it. */
export function outputBudgetOf(body: Record<string, unknown>): number | undefined {
  const parameters = body.parameters as Record<string, unknown> | undefined;
  const named = [body.max_completion_tokens, body.max_tokens, body.max_output_tokens, parameters?.max_new_tokens].find(
    (v) => typeof v === "number",
  );
  return named as number | undefined;
}

const bodyBytes = (event: Pick<APIGatewayProxyEvent, "body" | "isBase64Encoded">) =>
  Buffer.byteLength(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");

/** Where a request's reservation shows: its answer's headers, and what stops it when the lease is lost. */
export interface BudgetTarget {
  readonly requestId: string;
  readonly headers: Record<string, string>;
  readonly stop: (error: HttpError) => void;
}

/**
 * Reserves the request's most against its consumer's budget, before it reaches the model, and puts
 * what is left in the answer's headers; nothing (and no call) when the consumer has no budget.
 */
export async function reserveFor(
  event: APIGatewayProxyEvent,
  call: { readonly model: string; readonly route: ModelRoute; readonly output: number | undefined },
  target: BudgetTarget & { readonly context: Pick<Context, "getRemainingTimeInMillis"> },
): Promise<BudgetHold | undefined> {
  const consumer = consumerOf(event);
  if (!consumer) return undefined;
  const bytes = bodyBytes(event);
  const reservation = await reserve({
    consumer,
    model: call.model,
    requestId: target.requestId,
    onLost: target.stop,
    // Waiting for running answers to give room back leaves the answer most of the function's time.
    waitMs: Math.max(0, Math.min(BUDGET_WAIT_SECONDS * 1000, timeLeftMs(target.context) - ANSWER_AFTER_WAIT_MS)),
    // Read only for a consumer with a budget: a model of unknown context is refused only then.
    get tokens() {
      return mostTokens(bytes, call.output, call.route, call.model);
    },
  });
  if (!reservation) return undefined;
  target.headers[BUDGET_REMAINING_HEADER] = String(reservation.remaining);
  const promptBound = call.route.task === "embedding" ? bytes : bytes + TEMPLATE_MARGIN_TOKENS;
  return {
    remaining: reservation.remaining,
    settle: (tally, answered) => reservation.settle(usedTokens(tally, promptBound, reservation.tokens), answered),
  };
}

/** A request's reservation, to settle once its answer is over. */
export interface BudgetHold {
  readonly remaining: number;
  /** With what the model reported; an answer that went out (`answered`) unreported counts its whole reservation. The share used, in percent. */
  settle(tally: Tally, answered: boolean): Promise<number | undefined>;
}

type Tally = { readonly inputTokens?: number; readonly outputTokens?: number; readonly generation?: boolean };

/**
 * What an answer used, as the model reported it: prompt and answer for text, the input for
 * embeddings. The generate API's buffered answers count only the answer: the prompt is then taken
 * at its bound. Undefined when the model said nothing.
 */
export function usedTokens(tally: Tally, promptBound: number, reserved: number): number | undefined {
  if (!tally.generation) return tally.inputTokens;
  if (tally.outputTokens === undefined) return undefined;
  return tally.inputTokens !== undefined
    ? tally.inputTokens + tally.outputTokens
    : Math.min(reserved, promptBound + tally.outputTokens);
}
