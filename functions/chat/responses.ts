import type { APIGatewayProxyEvent } from "aws-lambda";
import { responsesRequestSchema, type ResponsesBody } from "../../contract/responses-request";
import { validateResponsesRequest } from "../../contract/validators";
import { checkChatRequest } from "../lib/chat-checks";
import { MAX_LARGE_BODY_BYTES, readJsonBody } from "../lib/request";
import { ResponseEvents, responseOfCompletion, usageOf, type ResponseBase } from "../lib/responses";
import { chatBodyOf } from "../lib/responses-input";
import { SSE_HEADERS, openResponse, write, writeJson } from "../lib/response-stream";
import { answer, chatCall, streamChunks } from "./chat";
import type { Session } from "./session";

/** POST /v1/responses: the Responses API, stateless, on the model's chat path (functions/lib/responses.ts maps it). */
export async function responses(event: APIGatewayProxyEvent, session: Session): Promise<void> {
  const body = readJsonBody<ResponsesBody>(event, validateResponsesRequest, { schema: responsesRequestSchema, maxBytes: MAX_LARGE_BODY_BYTES });
  const request = checkChatRequest(chatBodyOf(body));
  const id = `resp_${session.requestId}`;
  // The status goes out with the first event (or when a hold starts): a model silent or failing before it is still an HTTP error.
  const out = () => (session.out ??= openResponse(session.responseStream, 200, { ...SSE_HEADERS, ...session.headers }));
  const call = { ...chatCall(event, session, request, id), open: out };
  const base: ResponseBase = { id, model: call.model, created_at: Math.floor(Date.now() / 1000), body };
  const usage = () => usageOf(session.tally.inputTokens, session.tally.outputTokens);
  if (!request.stream) {
    const whole = (await answer(call)).choices[0];
    const { content, tool_calls } = whole.message;
    return writeJson(session.responseStream, 200, responseOfCompletion(base, { content, tool_calls, finish: whole.finish_reason }, usage()), session.headers);
  }
  const events = new ResponseEvents(base, (text) => write(out(), text));
  session.streamError = (failure) => events.failureText(failure.error);
  await streamChunks(call, (chunk) => events.chunk(chunk));
  await events.complete(usage());
  out().end();
}
