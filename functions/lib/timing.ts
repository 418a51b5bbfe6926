import type { Context } from "aws-lambda";

/** Time to give the model: what Lambda leaves us, less a second to answer before the function is cut off. */
export function timeLeftMs(context: Pick<Context, "getRemainingTimeInMillis">): number {
  return Math.max(1000, context.getRemainingTimeInMillis() - 1000);
}
