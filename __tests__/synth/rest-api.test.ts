import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { RestApi, type RestApiProps } from "../../modules/rest-api";
import { only, parseTemplateJson, resources, synthConstruct } from "../helpers/synth";

function synthApi(over: Partial<RestApiProps> = {}) {
  return synthConstruct((stack) => {
    const fn = new LambdaFunction(stack, "fn", { functionName: "f", role: "arn:aws:iam::1:role/r", runtime: "nodejs22.x", handler: "index.handler", filename: "x.zip" });
    new RestApi(stack, "api", {
      name: "llm-api-v1-api",
      stageName: "v1",
      auth: "apiKey",
      routes: [{ model: "mistral-7b", function: fn }],
      throttle: { rateLimit: 5, burstLimit: 10 },
      quota: { limit: 1000, period: "DAY" },
      accessLogGroupName: "/aws/apigateway/llm-api-v1-access",
      accessLogRetentionDays: 30,
      usagePlanName: "llm-api-v1-usage",
      apiKeyName: "llm-api-v1-default-key",
      ...over,
    });
  });
}

describe("RestApi", () => {
  it("imports the generated OpenAPI body, with the Lambda invoke ARN as integration URI", () => {
    const api = only(synthApi(), "aws_api_gateway_rest_api");
    expect(api).toMatchObject({ name: "llm-api-v1-api", put_rest_api_mode: "overwrite", fail_on_warnings: true, endpoint_configuration: { types: ["REGIONAL"] } });
    const body = parseTemplateJson(api.body);
    expect(body.paths["/mistral-7b/invoke"].post["x-amazon-apigateway-integration"].uri).toMatch(/^\$\{aws_lambda_function\.[^.]+\.invoke_arn\}$/);
  });

  it("redeploys when the body changes, new deployment first", () => {
    const deployment = only(synthApi(), "aws_api_gateway_deployment");
    expect(deployment.triggers).toEqual({ redeployment: expect.stringMatching(/^\$\{sha256\(aws_api_gateway_rest_api\.[^.]+\.body\)\}$/) });
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
  });

  it("writes JSON access logs to a log group with retention, and throttles every method", () => {
    const stack = synthApi();
    const stage = only(stack, "aws_api_gateway_stage");
    expect(stage.stage_name).toBe("v1");
    expect(stage.access_log_settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.[^.]+\.arn\}$/);
    expect(Object.keys(JSON.parse(stage.access_log_settings.format))).toContain("requestId");
    expect(only(stack, "aws_cloudwatch_log_group")).toEqual({ name: "/aws/apigateway/llm-api-v1-access", retention_in_days: 30 });
    expect(only(stack, "aws_api_gateway_method_settings")).toMatchObject({ method_path: "*/*", settings: { metrics_enabled: true, throttling_rate_limit: 5, throttling_burst_limit: 10 } });
  });

  it("with API keys, it creates a key bound to a usage plan with throttling and quota", () => {
    const stack = synthApi();
    expect(only(stack, "aws_api_gateway_usage_plan")).toMatchObject({ name: "llm-api-v1-usage", throttle_settings: { rate_limit: 5, burst_limit: 10 }, quota_settings: { limit: 1000, period: "DAY" } });
    expect(only(stack, "aws_api_gateway_api_key")).toEqual({ name: "llm-api-v1-default-key", enabled: true });
    expect(only(stack, "aws_api_gateway_usage_plan_key").key_type).toBe("API_KEY");
  });

  it("without API keys, it creates no key and no usage plan", () => {
    const stack = synthApi({ auth: "iam", quota: undefined });
    expect(resources(stack, "aws_api_gateway_usage_plan")).toHaveLength(0);
    expect(resources(stack, "aws_api_gateway_api_key")).toHaveLength(0);
  });

  it("lets only this API's POST route invoke each function", () => {
    const permission = only(synthApi(), "aws_lambda_permission");
    expect(permission).toMatchObject({ action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com" });
    expect(permission.source_arn).toMatch(/^\$\{aws_api_gateway_rest_api\.[^.]+\.execution_arn\}\/\*\/POST\/mistral-7b\/invoke$/);
  });
});
