import { HandlerCode } from "../../modules/handler-code";
import { InvokerFunction } from "../../modules/invoker-function";
import { bundleHandler } from "../../packaging/bundle";
import { only, parseTemplateJson, resources, synthConstruct } from "../helpers/synth";

type Target = { model: string; endpointName: string };
function synthInvoker(targets: Target[]) {
  const endpoints = targets.map((t) => ({
    model: t.model,
    route: { endpoint: t.endpointName, chat: "messages" as const, stream: true },
  }));
  return synthConstruct((stack) => {
    const code = new HandlerCode(stack, "code", { handler: "invoke" });
    new InvokerFunction(stack, "fn", {
      functionName: "llm-api-v1-m-invoke",
      code,
      endpoints,
      rolePrefix: "llm-api-v1-m-fn-",
      partition: "aws",
      region: "eu-west-1",
      memorySizeMb: 1024,
      timeoutSeconds: 20,
      logRetentionDays: 14,
    });
  });
}

describe("InvokerFunction", () => {
  it("runs the bundled handler on Node 22 arm64, redeployed exactly when the bundle changes", () => {
    const stack = synthInvoker([{ model: "m", endpointName: "llm-api-v1-m" }]);
    const fn = only(stack, "aws_lambda_function");
    expect(fn).toMatchObject({
      function_name: "llm-api-v1-m-invoke",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memory_size: 1024,
      timeout: 20,
      source_code_hash: bundleHandler("invoke").sha256,
      environment: {
        variables: { MODELS: JSON.stringify({ m: { endpoint: "llm-api-v1-m", chat: "messages", stream: true } }) },
      },
      logging_config: { log_format: "JSON" },
    });
    expect(fn.filename).toMatch(/^assets\/code_zip_[0-9A-F]+\/[0-9A-F]+\/invoke-[0-9a-f]{20}\.zip$/);
  });

  it("logs to its own log group with a retention, created before the function", () => {
    const stack = synthInvoker([{ model: "m", endpointName: "e" }]);
    const [group] = resources(stack, "aws_cloudwatch_log_group");
    expect(group.values).toEqual({ name: "/aws/lambda/llm-api-v1-m-invoke", retention_in_days: 14 });
    expect(only(stack, "aws_lambda_function").depends_on).toContain(`aws_cloudwatch_log_group.${group.name}`);
  });

  it("may invoke exactly its endpoints and write only its own logs", () => {
    const stack = synthInvoker([{ model: "m", endpointName: "llm-api-v1-m" }]);
    const arn = expect.stringMatching(
      /^arn:aws:sagemaker:eu-west-1:\$\{data\.aws_caller_identity\.caller\.account_id\}:endpoint\/llm-api-v1-m$/,
    );
    expect(JSON.parse(only(stack, "aws_iam_role").assume_role_policy).Statement[0].Principal).toEqual({
      Service: "lambda.amazonaws.com",
    });
    const statements = parseTemplateJson(only(stack, "aws_iam_role_policy").policy).Statement;
    expect(statements).toEqual([
      {
        Sid: "InvokeModelEndpoints",
        Effect: "Allow",
        Action: ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
        Resource: [arn],
      },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[^.]+\.arn\}:\*$/),
      },
    ]);
  });

  it("for an endpoint it does not manage too, it builds the exact ARN from partition, region and its own account", () => {
    const stack = synthInvoker([{ model: "legacy", endpointName: "Falcon-Prod" }]);
    const [invoke] = parseTemplateJson(only(stack, "aws_iam_role_policy").policy).Statement;
    expect(invoke.Resource).toEqual([
      expect.stringMatching(
        /^arn:aws:sagemaker:eu-west-1:\$\{data\.aws_caller_identity\.caller\.account_id\}:endpoint\/falcon-prod$/,
      ),
    ]);
  });
});
