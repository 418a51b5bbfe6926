import type { ModelRoutes } from "./api-routes";
import { openAiErrorType } from "../../contract/errors";

/** SageMaker runtime's InvokeEndpoint as an API Gateway AWS service integration (note the double slash). */
export function directInvokeUri(partition: string, region: string, endpointName: string): string {
  return `arn:${partition}:apigateway:${region}:runtime.sagemaker:path//endpoints/${endpointName}/invocations`;
}

/** Every status but 2xx and those mapped on their own (400, 413, 424, 429), as one regular expression. */
export const OTHER_FAILURES = "[135]\\d{2}|40[1-9]|41[0-24-9]|42[0-35-8]|4[3-9]\\d";

/**
 * Mapping templates of a direct integration: the model's answer to {generated_text},
 * SageMaker's errors to the API's JSON error shape. A model's own 4xx keeps its status.
 */
export function directIntegration(uri: string, direct: NonNullable<ModelRoutes["direct"]>, timeoutMs: number) {
  // OpenAI's error shape (contract/errors.ts); `type` may be a VTL reference set before it.
  const error = (status: number | string, code: string, message: string) =>
    `{"error":{"message":${message},"type":"${typeof status === "number" ? openAiErrorType(status) : status}","param":null,"code":"${code}"}}`;
  return {
    type: "aws",
    httpMethod: "POST",
    uri,
    credentials: direct.credentials,
    passthroughBehavior: "never",
    timeoutInMillis: timeoutMs,
    requestParameters: {
      "integration.request.header.Content-Type": "'application/json'",
      "integration.request.header.Accept": "'application/json'",
      // A configured value is fixed (a mapping has no default); else the client's header goes through.
      "integration.request.header.X-Amzn-SageMaker-Custom-Attributes": direct.customAttributes
        ? `'${direct.customAttributes.replace(/'/g, "")}'`
        : "method.request.header.X-Amzn-SageMaker-Custom-Attributes",
    },
    requestTemplates: { "application/json": "$input.body" },
    responses: {
      // No template passes the model's body through as it is, whatever its content type.
      default:
        direct.answer === "passthrough"
          ? { statusCode: "200" }
          : {
              statusCode: "200",
              responseTemplates: {
                "application/json": `{"generated_text":$util.toJson($input.path('${direct.answer === "list" ? "$[0].generated_text" : "$.generated_text"}'))}`,
              },
            },
      // SageMaker answers 424 (ModelError) when the container itself returned an error status.
      "424": {
        statusCode: "424",
        responseTemplates: {
          "application/json":
            "#set($code = $input.path('$.OriginalStatusCode'))\n#set($type = \"server_error\")\n" +
            `#if($code >= 400 && $code < 500 && $code != 424)#set($context.responseOverride.status = $code)#set($type = "${openAiErrorType(400)}")#end\n` +
            error("$type", "model_error", "$util.toJson($input.path('$.OriginalMessage'))"),
        },
      },
      "429": {
        statusCode: "429",
        responseTemplates: { "application/json": error(429, "throttled", '"Too many requests to the model endpoint; retry with backoff."') },
      },
      // ValidationError: the endpoint is missing or not InService.
      "400": { statusCode: "503", responseTemplates: { "application/json": error(503, "model_unavailable", '"The model endpoint is not in service."') } },
      "413": {
        statusCode: "413",
        responseTemplates: { "application/json": error(413, "request_too_large", '"The body is larger than the model endpoint takes."') },
      },
      // Every other status SageMaker may answer (403 AccessDenied with the role's ARN in its body, 404, 408,
      // 5xx, and anything new) is the endpoint failing, never a 200: the body is replaced, so nothing of
      // AWS's internal detail reaches the client. The patterns are disjoint: API Gateway sees one match.
      [OTHER_FAILURES]: { statusCode: "502", responseTemplates: { "application/json": error(502, "upstream_error", '"The model endpoint failed."') } },
    },
  };
}
