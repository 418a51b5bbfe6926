import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import type { Writable } from "node:stream";
import { HttpError, echo, logDetail } from "../lib/errors";
import { COMPLETIONS_PATH, EMBEDDINGS_PATH, RESPONSES_PATH } from "../../contract/routes";
import { embeddings } from "./embeddings";
import { textCompletion } from "./completions";
import { chatCompletion } from "./chat";
import { responses } from "./responses";
import { meterFieldsOf, recordOf, settleBudget, type AnswerState } from "./answer-state";
import { requestFailed, requestSucceeded } from "../lib/telemetry";
import { corsHeaders } from "../lib/cors";
import { allowedModels } from "../lib/models";
import { handlerSettings } from "../lib/settings";
import { modelList } from "./lib/openai";
import { requestIdOf } from "../lib/request";
import { endWith, failureOf, watchClient, writeError, writeJson } from "../lib/response-stream";

const ROUTES = { completion: textCompletion, embeddings, responses, chat: chatCompletion } as const;

function routeOf(path: string): keyof typeof ROUTES {
  if (path.endsWith(COMPLETIONS_PATH)) return "completion";
  if (path.endsWith(EMBEDDINGS_PATH)) return "embeddings";
  if (path.endsWith(RESPONSES_PATH)) return "responses";
  return "chat";
}

/** The OpenAI-compatible routes: GET /v1/models(/{model}), and POST chat completions, completions, embeddings and responses. */
export const handler = awslambda.streamifyResponse(
  async (event: APIGatewayProxyEvent, responseStream: Writable, context: Context) => {
    const requestId = requestIdOf(event, context);
    const headers = { "x-request-id": requestId, ...corsHeaders(event.headers) };
    const started = Date.now();
    const client = watchClient(responseStream);
    // What the catch below needs to answer a failure: the model, and the stream once it is open.
    const session: AnswerState = {
      requestId,
      headers,
      responseStream,
      context,
      cancel: client.signal,
      tally: { started },
      stop: (e) => client.abort(e),
    };
    try {
      if (event.httpMethod === "GET") return models(event, session);
      const route = routeOf(event.resource ?? event.path ?? "");
      await ROUTES[route](event, session);
      requestSucceeded(
        recordOf(session, event),
        { stream: session.stream },
        meterFieldsOf(session, await settleBudget(session, 200)),
        route,
      );
    } catch (err) {
      const error = failureOf(err, client, responseStream);
      const budgetUsedPercent = await settleBudget(session, error.statusCode);
      requestFailed(
        recordOf(session, event),
        error,
        { detail: logDetail(error) },
        meterFieldsOf(session, budgetUsedPercent),
      );
      if (error.type === "client_closed") return void responseStream.destroy();
      const out = session.out;
      if (!out) return writeError(responseStream, error, headers);
      // OpenAI clients read a mid-stream error as a data event with an error object (the Responses API: its own events).
      await endWith(
        out,
        session.streamError ? session.streamError(error.toBody()) : `data: ${JSON.stringify(error.toBody())}\n\n`,
      );
    }
  },
);

/** GET /v1/models and /v1/models/{model}: a consumer's key sees its own models only. */
function models(event: APIGatewayProxyEvent, session: AnswerState): void {
  const allowed = allowedModels(event);
  const names = Object.keys(handlerSettings().models).filter((m) => !allowed || allowed.has(m));
  const wanted = event.pathParameters?.model;
  if (wanted === undefined) return writeJson(session.responseStream, 200, modelList(names), session.headers);
  if (!names.includes(wanted))
    throw new HttpError(
      404,
      "model_not_found",
      `The model "${echo(wanted)}" does not exist or this key may not use it.`,
      "model",
    );
  writeJson(session.responseStream, 200, modelList([wanted]).data[0], session.headers);
}
