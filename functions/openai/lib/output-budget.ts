import { HttpError } from "../../lib/errors";

/**
 * Agents ask for large output budgets whatever the model (opencode sends max_tokens 32000). A model
 * server refuses a budget that does not fit its context beside the prompt, and says how many prompt
 * tokens it counted: the call is then made once more with the largest budget that fits, so the answer
 * comes, cut with finish_reason "length" if it runs out of room.
 */

/** The refusals, as the servers word them: each gives the context (N) and the prompt's tokens (I). */
const REFUSALS: readonly RegExp[] = [
  // TGI (router/src/validation.rs, 3.3.6), a 422.
  /`inputs` tokens \+ `max_new_tokens` must be <= (?<context>\d+)\. Given: (?<input>\d+) `inputs` tokens/,
  // vLLM since 0.10: "'max_tokens' or 'max_completion_tokens' is too large: M. This model's maximum context length is N tokens and your request has I input tokens (M > N - I)."
  /maximum context length is (?<context>\d+) tokens and your request has (?<input>\d+) input tokens/,
  // Earlier vLLM: "This model's maximum context length is N tokens. However, you requested T tokens (I in the messages, M in the completion)."
  /maximum context length is (?<context>\d+) tokens\. However, you requested \d+ tokens \((?<input>\d+) in the messages/,
];

/** The largest budget that fits, from what a server said when it refused one; undefined when it said no such thing or nothing fits. */
export function budgetThatFits(said: string): number | undefined {
  for (const pattern of REFUSALS) {
    const found = pattern.exec(said)?.groups;
    if (!found) continue;
    const room = Number(found.context) - Number(found.input);
    return room >= 1 ? room : undefined;
  }
  return undefined;
}

/** What the model server said, as SageMaker passed it on. */
const refusalText = (err: unknown): string => {
  const cause = err instanceof HttpError ? (err.cause as { OriginalMessage?: unknown } | undefined) : undefined;
  return typeof cause?.OriginalMessage === "string" ? cause.OriginalMessage : "";
};

type Body = Record<string, unknown>;

/** The output budget of a backend body: a chat call's max_tokens, a generate call's parameters.max_new_tokens. */
function budgetOf(body: Body): number | undefined {
  const value = "messages" in body ? body.max_tokens : (body.parameters as Body | undefined)?.max_new_tokens;
  return typeof value === "number" ? value : undefined;
}

function withBudget(body: Body, budget: number): Body {
  if ("messages" in body) return { ...body, max_tokens: budget };
  return { ...body, parameters: { ...(body.parameters as Body), max_new_tokens: budget } };
}

/**
 * Makes the call; when the server refuses its budget as too large for the prompt, makes it once more
 * with the budget that fits. Any other failure, or a refusal that leaves no room, is thrown as it was.
 */
export async function withinContext<T>(
  body: Body,
  call: (body: Body) => Promise<T>,
  onFit?: (asked: number, fits: number) => void,
): Promise<T> {
  try {
    return await call(body);
  } catch (err) {
    const asked = budgetOf(body);
    const fits = budgetThatFits(refusalText(err));
    if (asked === undefined || fits === undefined || fits >= asked) throw err;
    onFit?.(asked, fits);
    return call(withBudget(body, fits));
  }
}
