import type { APIGatewayProxyEvent } from "aws-lambda";
import { reserveBudget } from "./answer-state";
import { responsesRequestSchema, type ResponsesBody } from "../../contract/responses-request";
import { validateResponsesRequest } from "../../contract/validators";
import { checkChatRequest } from "./lib/chat-checks";
import { log } from "../lib/log";
import { MAX_LARGE_BODY_BYTES, readJsonBody } from "../lib/request";
import { logprobsOf, responseOfCompletion, usageOf, type ResponseBase } from "./lib/responses";
import { ResponseEvents } from "./lib/response-events";
import { planOf } from "./lib/responses-input";
import { SSE_HEADERS, openResponse, write, writeJson } from "../lib/response-stream";
import { answer, chatCall, streamChunks } from "./chat";
import type { AnswerState } from "./answer-state";

/** Names the built-in tools a request brought that the model did not see (clients add some by default). */
export const IGNORED_TOOLS_HEADER = "x-ignored-tools";

/** POST /v1/responses: the Responses API, stateless, on the model's chat path (functions/openai/lib/responses.ts maps it). */
export async function responses(event: APIGatewayProxyEvent, session: AnswerState): Promise<void> {
  const body = readJsonBody<ResponsesBody>(event, validateResponsesRequest, {
    schema: responsesRequestSchema,
    maxBytes: MAX_LARGE_BODY_BYTES,
  });
  const plan = planOf(body);
  const request = checkChatRequest(plan.chat);
  const id = `resp_${session.requestId}`;
  if (plan.tools.ignored.length) {
    session.headers[IGNORED_TOOLS_HEADER] = plan.tools.ignored.join(", ");
    log("info", "tools left out", {
      requestId: session.requestId,
      model: body.model,
      ignoredTools: plan.tools.ignored,
    });
  }
  // The status goes out with the first event (or when a hold starts): a model silent or failing before it is still an HTTP error.
  const out = () => (session.out ??= openResponse(session.responseStream, 200, { ...SSE_HEADERS, ...session.headers }));
  const call = { ...chatCall(event, session, request, id), open: out };
  await reserveBudget(event, session, call, body.max_output_tokens ?? undefined);
  const base: ResponseBase = {
    id,
    model: call.model,
    created_at: Math.floor(Date.now() / 1000),
    body,
    namespaced: plan.tools.namespaced,
  };
  const usage = () => usageOf(session.tally.inputTokens, session.tally.outputTokens);
  if (!request.stream) {
    const whole = (await answer(call)).choices[0];
    const { content, tool_calls } = whole.message;
    const logprobs = plan.logprobs ? logprobsOf(whole) : undefined;
    return writeJson(
      session.responseStream,
      200,
      responseOfCompletion(base, { content, tool_calls, finish: whole.finish_reason, logprobs }, usage()),
      session.headers,
    );
  }
  const events = new ResponseEvents(base, (text) => write(out(), text), plan.logprobs);
  session.streamError = (failure) => events.failureText(failure.error);
  await streamChunks(call, (chunk) => events.chunk(chunk));
  await events.complete(usage());
  out().end();
}
