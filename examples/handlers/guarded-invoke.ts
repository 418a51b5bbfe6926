import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import {
  HttpError,
  fromSageMakerError,
  generateBody,
  validateGenerateRequest,
  handlerSettings,
  invokeJson,
  jsonResponse,
  modelFromPath,
  parseGenerateResponse,
  readJsonBody,
  requestIdOf,
  routeFor,
  timeLeftMs,
  toHttpResponse,
  type GenerateRequest,
} from "../../functions/lib";

/**
 * An example of a custom /invoke handler (models[].lambda.handler). The contract:
 * export `handler(event, context)` returning an API Gateway proxy result; handlerSettings().models
 * maps the model name to its endpoint; functions/lib (its index) exports the helpers to reuse.
 * This one refuses prompts that name a blocked topic.
 */
const BLOCKED = (process.env.BLOCKED_TOPICS ?? "")
  .split(",")
  .map((t) => t.trim().toLowerCase())
  .filter(Boolean);

export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  const requestId = requestIdOf(event, context);
  try {
    const route = routeFor(handlerSettings().models, modelFromPath(event.resource ?? event.path ?? ""));
    const request = readJsonBody<GenerateRequest>(event, validateGenerateRequest);
    const topic = BLOCKED.find((t) => request.inputs.toLowerCase().includes(t));
    if (topic) throw new HttpError(400, "blocked_topic", `Prompts about "${topic}" are not served here.`, "inputs");
    const result = parseGenerateResponse(
      await invokeJson(route.endpoint, generateBody(request, false), timeLeftMs(context)),
    );
    return jsonResponse(200, { generated_text: result.generated_text }, requestId);
  } catch (err) {
    return toHttpResponse(fromSageMakerError(err), requestId);
  }
}
