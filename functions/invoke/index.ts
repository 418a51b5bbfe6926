import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { reserveFor, type BudgetHold } from "../lib/budget-gate";
import { corsHeaders } from "../lib/cors";
import { fromSageMakerError, jsonResponse, toHttpResponse } from "../lib/errors";
import { validateGenerateRequest } from "../../contract/validators";
import { requestFailed, requestSucceeded } from "../lib/telemetry";
import { allowedModels, checkAccess, routeFor } from "../lib/models";
import { handlerSettings } from "../lib/settings";
import { modelFromPath, readJsonBody, requestIdOf, withClientAttributes } from "../lib/request";
import { invokeJson } from "../lib/sagemaker";
import { generateBody, parseGenerateResponse, type GenerateRequest } from "../lib/backends/tgi";
import { timeLeftMs } from "../lib/timing";
import { whileWaking } from "../lib/hold";
import { INVOKE_HOLD_SECONDS } from "../../contract/wake";

/** What a held /invoke keeps for the model's answer once it is up. */
const INVOKE_ANSWER_MS = 3000;

/** POST /{model}/invoke: a TGI generate call, answered as {generated_text}. */
export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  const requestId = requestIdOf(event, context);
  const started = Date.now();
  const model = modelFromPath(event.resource ?? event.path ?? "");
  const record = { name: "invoke", event, requestId, model, started };
  const cors = corsHeaders(event.headers);
  const tally: { heldMs?: number } = {};
  const budgetHeaders: Record<string, string> = {};
  let budget: BudgetHold | undefined;
  try {
    checkAccess(allowedModels(event), model);
    const route = withClientAttributes(routeFor(handlerSettings().models, model), event);
    const request = readJsonBody<GenerateRequest>(event, validateGenerateRequest);
    // Nothing to stop: the lease outlives the 29 s this answer may take.
    budget = await reserveFor(
      event,
      { model, route, output: request.parameters?.max_new_tokens },
      { requestId, headers: budgetHeaders, stop: () => undefined, context },
    );
    const timeoutMs = timeLeftMs(context);
    // Held within API Gateway's 29 s, a buffered integration's limit.
    const hold = {
      model,
      requestId,
      tally,
      holdMs: Math.max(0, Math.min(INVOKE_HOLD_SECONDS * 1000, timeoutMs - INVOKE_ANSWER_MS)),
    };
    const result = parseGenerateResponse(
      await whileWaking(route, hold, () => invokeJson(route, generateBody(request, false), timeoutMs)),
    );
    // The generate API's buffered answer gives no prompt count: its InputTokens are counted missing.
    const usage = { outputTokens: result.generated_tokens, generation: true };
    const budgetUsedPercent = await budget?.settle(usage, true);
    requestSucceeded(
      record,
      { generatedTokens: result.generated_tokens },
      { ...usage, heldMs: tally.heldMs, budgetUsedPercent },
    );
    return jsonResponse(200, { generated_text: result.generated_text }, requestId, { ...cors, ...budgetHeaders });
  } catch (err) {
    const error = fromSageMakerError(err);
    const budgetUsedPercent = await budget?.settle({}, false);
    requestFailed(record, error, {}, { heldMs: tally.heldMs, budgetUsedPercent });
    return toHttpResponse(error, requestId, { ...cors, ...budgetHeaders });
  }
}
