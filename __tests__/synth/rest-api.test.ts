import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { RestApi, type RestApiProps } from "../../modules/rest-api";
import { arnPath } from "../../contract/routes";
import { only, parseTemplateJson, resources, synthConstruct } from "../helpers/synth";

function synthApi(over: Partial<RestApiProps> = {}) {
  return synthConstruct((stack) => {
    const fn = (id: string) =>
      new LambdaFunction(stack, id, {
        functionName: id,
        role: "arn:aws:iam::1:role/r",
        runtime: "nodejs22.x",
        handler: "index.handler",
        filename: "x.zip",
      });
    new RestApi(stack, "api", {
      name: "llm-api-v1-api",
      stageName: "v1",
      auth: "apiKey",
      models: [{ model: "mistral-7b", invokeFunction: fn("invoke"), streamFunction: fn("stream") }],
      openaiFunction: fn("chat"),
      authorizerFunction: fn("authorizer"),
      partition: "aws",
      region: "us-east-1",
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
  it("imports the generated OpenAPI body: buffered routes on invoke_arn, streamed routes on the response-streaming URI", () => {
    const api = only(synthApi(), "aws_api_gateway_rest_api");
    expect(api).toMatchObject({
      name: "llm-api-v1-api",
      put_rest_api_mode: "overwrite",
      fail_on_warnings: true,
      endpoint_configuration: { types: ["REGIONAL"] },
    });
    const body = parseTemplateJson(api.body);
    const integration = (path: string, method = "post") => body.paths[path][method]["x-amazon-apigateway-integration"];
    expect(integration("/mistral-7b/invoke").uri).toBe("${aws_lambda_function.invoke.invoke_arn}");
    expect(integration("/mistral-7b/stream")).toMatchObject({
      responseTransferMode: "STREAM",
      uri: "arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/${aws_lambda_function.stream.arn}/response-streaming-invocations",
    });
    expect(integration("/v1/chat/completions").uri).toContain(
      "${aws_lambda_function.chat.arn}/response-streaming-invocations",
    );
    expect(integration("/v1/models", "get").uri).toBe(integration("/v1/chat/completions").uri);
  });

  it("redeploys when the body changes, new deployment first", () => {
    const deployment = only(synthApi(), "aws_api_gateway_deployment");
    expect(deployment.triggers).toEqual({
      redeployment: expect.stringMatching(/^\$\{sha256\(aws_api_gateway_rest_api\.[^.]+\.body\)\}$/),
    });
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
  });

  it("writes JSON access logs to a log group with retention; with API keys, throttles per key (usage plan), not the whole stage", () => {
    const stack = synthApi();
    const stage = only(stack, "aws_api_gateway_stage");
    expect(stage.stage_name).toBe("v1");
    expect(stage.access_log_settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.[^.]+\.arn\}$/);
    expect(Object.keys(JSON.parse(stage.access_log_settings.format))).toContain("requestId");
    expect(only(stack, "aws_cloudwatch_log_group")).toEqual({
      name: "/aws/apigateway/llm-api-v1-access",
      retention_in_days: 30,
    });
    expect(only(stack, "aws_api_gateway_method_settings")).toEqual({
      rest_api_id: expect.any(String),
      stage_name: expect.any(String),
      method_path: "*/*",
      settings: { metrics_enabled: true },
    });
    expect(stage.xray_tracing_enabled).toBe(false);
  });

  it("without API keys, the stage limit is the throttle; with tracing, the stage is traced too", () => {
    const stack = synthApi({ auth: "iam", tracing: true });
    expect(only(stack, "aws_api_gateway_method_settings").settings).toEqual({
      metrics_enabled: true,
      throttling_rate_limit: 5,
      throttling_burst_limit: 10,
    });
    expect(only(stack, "aws_api_gateway_stage").xray_tracing_enabled).toBe(true);
  });

  it("with API keys, it creates a key bound to a usage plan with throttling and quota", () => {
    const stack = synthApi();
    expect(only(stack, "aws_api_gateway_usage_plan")).toMatchObject({
      name: "llm-api-v1-usage",
      throttle_settings: { rate_limit: 5, burst_limit: 10 },
      quota_settings: { limit: 1000, period: "DAY" },
    });
    expect(only(stack, "aws_api_gateway_api_key")).toEqual({ name: "llm-api-v1-default-key", enabled: true });
    expect(only(stack, "aws_api_gateway_usage_plan_key").key_type).toBe("API_KEY");
  });

  it("without API keys, it creates no key and no usage plan", () => {
    const stack = synthApi({ auth: "iam", quota: undefined });
    expect(resources(stack, "aws_api_gateway_usage_plan")).toHaveLength(0);
    expect(resources(stack, "aws_api_gateway_api_key")).toHaveLength(0);
  });

  it("lets only this API, on each function's own routes, invoke it", () => {
    const stack = synthApi();
    const permissions = resources(stack, "aws_lambda_permission").map((p) => p.values);
    // Every route the imported body sends to a function has its permission (a missing one answers 500 as deployed).
    const body = parseTemplateJson(only(stack, "aws_api_gateway_rest_api").body);
    const routed = Object.entries(body.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op["x-amazon-apigateway-integration"]?.type === "aws_proxy")
        .map(([method]) => `/*/${method.toUpperCase()}${arnPath(path)}`),
    );
    const granted = permissions.map((p) =>
      p.source_arn.replace(/^\$\{aws_api_gateway_rest_api\.[^.]+\.execution_arn\}/, ""),
    );
    expect(routed.filter((r) => !granted.includes(r))).toEqual([]);
    for (const p of permissions)
      expect(p).toMatchObject({ action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com" });
    const grants = permissions.map((p) => [
      p.function_name,
      p.source_arn.replace(/^\$\{aws_api_gateway_rest_api\.[^.]+\.execution_arn\}/, ""),
    ]);
    expect(grants.sort()).toEqual([
      // The authorizer, for this API's authorizers only.
      ["${aws_lambda_function.authorizer.function_name}", "/authorizers/*"],
      ["${aws_lambda_function.chat.function_name}", "/*/GET/v1/models"],
      ["${aws_lambda_function.chat.function_name}", "/*/GET/v1/models/*"],
      ["${aws_lambda_function.chat.function_name}", "/*/POST/v1/chat/completions"],
      ["${aws_lambda_function.chat.function_name}", "/*/POST/v1/completions"],
      ["${aws_lambda_function.chat.function_name}", "/*/POST/v1/embeddings"],
      ["${aws_lambda_function.chat.function_name}", "/*/POST/v1/responses"],
      ["${aws_lambda_function.invoke.function_name}", "/*/POST/mistral-7b/invoke"],
      ["${aws_lambda_function.stream.function_name}", "/*/POST/mistral-7b/stream"],
    ]);
  });
});
