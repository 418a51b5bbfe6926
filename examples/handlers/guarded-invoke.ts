import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { HttpError, fromSageMakerError, jsonResponse, toHttpResponse } from "../../functions/lib/errors";
import { generateRequestSchema } from "../../contract/generate-request";
import { modelRoutes, routeFor } from "../../functions/lib/models";
import { modelFromPath, readJsonBody, requestIdOf } from "../../functions/lib/request";
import { invokeJson } from "../../functions/lib/sagemaker";
import { generateBody, parseGenerateResponse, type GenerateRequest } from "../../functions/lib/backends/tgi";
import { timeLeftMs } from "../../functions/lib/timing";

/**
 * An example of a custom /invoke handler (models[].lambda.handler). The contract:
 * export `handler(event, context)` returning an API Gateway proxy result; MODELS in
 * the environment maps the model name to its endpoint; the helpers of functions/lib
 * are there to reuse. This one refuses prompts that name a blocked topic.
 */
const routes = modelRoutes();
const BLOCKED = (process.env.BLOCKED_TOPICS ?? "")
  .split(",")
  .map((t) => t.trim().toLowerCase())
  .filter(Boolean);

export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  const requestId = requestIdOf(event, context);
  try {
    const route = routeFor(routes, modelFromPath(event.resource ?? event.path ?? ""));
    const request = readJsonBody<GenerateRequest>(event, generateRequestSchema);
    const topic = BLOCKED.find((t) => request.inputs.toLowerCase().includes(t));
    if (topic) throw new HttpError(400, "blocked_topic", `Prompts about "${topic}" are not served here.`, "inputs");
    const result = parseGenerateResponse(await invokeJson(route.endpoint, generateBody(request, false), timeLeftMs(context)));
    return jsonResponse(200, { generated_text: result.generated_text }, requestId);
  } catch (err) {
    return toHttpResponse(fromSageMakerError(err), requestId);
  }
}
