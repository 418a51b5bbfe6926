import { join } from "node:path";
import { OTHER_FAILURES } from "../../deployment/openapi/direct-integration";
import { only, parseTemplateJson, resources, ROOT, synth } from "../helpers/synth";
import { parseConfig } from "../../config/load";

// examples/integrations.json: a direct model, a lambda model with its own settings and handler, a domain, data capture.
const api = () => synth(join(ROOT, "examples", "integrations.json")).stacks["llm-api-v1"];

describe("integrations and options", () => {
  it("maps only TGI's and vLLM's answers to {generated_text} on a direct integration; a model package's or custom image's passes through", () => {
    const answerOf = (model: Record<string, unknown>) => {
      const config = parseConfig({
        region: "us-east-1",
        models: [{ name: "m", integration: "direct", instance: { type: "ml.g5.xlarge" }, ...model }],
      });
      const stack = synth(config).stacks["llm-api-v1"];
      return parseTemplateJson(only(stack, "aws_api_gateway_rest_api").body).paths["/m/invoke"].post[
        "x-amazon-apigateway-integration"
      ].responses.default;
    };
    expect(answerOf({ huggingFace: { modelId: "a/b" } }).responseTemplates["application/json"]).toContain(
      "$[0].generated_text",
    );
    expect(
      answerOf({ server: "vllm", huggingFace: { modelId: "a/b" } }).responseTemplates["application/json"],
    ).toContain("$.generated_text");
    expect(answerOf({ modelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/pkg/1" })).toEqual({
      statusCode: "200",
    });
    expect(answerOf({ custom: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1" } })).toEqual({
      statusCode: "200",
    });
  });

  it("passes the client's custom attributes to a direct integration, or the model's configured value", () => {
    const invokeOf = (model: Record<string, unknown>) => {
      const config = parseConfig({
        region: "us-east-1",
        models: [
          {
            name: "m",
            integration: "direct",
            huggingFace: { modelId: "a/b" },
            instance: { type: "ml.g5.xlarge" },
            ...model,
          },
        ],
      });
      return parseTemplateJson(only(synth(config).stacks["llm-api-v1"], "aws_api_gateway_rest_api").body).paths[
        "/m/invoke"
      ].post;
    };
    const mapped = invokeOf({});
    expect(mapped.parameters).toEqual([
      { name: "X-Amzn-SageMaker-Custom-Attributes", in: "header", required: false, schema: { type: "string" } },
    ]);
    expect(
      mapped["x-amazon-apigateway-integration"].requestParameters[
        "integration.request.header.X-Amzn-SageMaker-Custom-Attributes"
      ],
    ).toBe("method.request.header.X-Amzn-SageMaker-Custom-Attributes");
    const fixed = invokeOf({ customAttributes: "accept_eula=true" });
    expect(
      fixed["x-amazon-apigateway-integration"].requestParameters[
        "integration.request.header.X-Amzn-SageMaker-Custom-Attributes"
      ],
    ).toBe("'accept_eula=true'");
  });

  it("sends a direct model's /invoke from API Gateway to SageMaker with a role scoped to that endpoint", () => {
    const s = api();
    const body = parseTemplateJson(only(s, "aws_api_gateway_rest_api").body);
    const integration = body.paths["/falcon-direct/invoke"].post["x-amazon-apigateway-integration"];
    expect(integration).toMatchObject({
      type: "aws",
      httpMethod: "POST",
      uri: expect.stringMatching(
        /^arn:\$\{data\.aws_partition\.[^.]+\.partition\}:apigateway:us-east-1:runtime\.sagemaker:path\/\/endpoints\/llm-api-v1-falcon-direct\/invocations$/,
      ),
      credentials: expect.stringMatching(/^\$\{aws_iam_role\.direct-falcon-direct_role_[0-9A-F]+\.arn\}$/),
      requestParameters: {
        "integration.request.header.Content-Type": "'application/json'",
        "integration.request.header.Accept": "'application/json'",
      },
    });
    expect(
      Object.fromEntries(
        Object.entries(integration.responses).map(([pattern, r]) => [
          pattern,
          (r as { statusCode: string }).statusCode,
        ]),
      ),
    ).toEqual({
      default: "200",
      "424": "424",
      "429": "429",
      "400": "503",
      "413": "413",
      [OTHER_FAILURES]: "502",
    });
    // As API Gateway selects: a pattern must match the whole status. Each status but 2xx has exactly one
    // response, and it is an error; a 2xx has none and takes the default.
    const patterns = Object.entries(integration.responses).filter(([p]) => p !== "default") as [
      string,
      { statusCode: string },
    ][];
    for (let status = 100; status < 600; status++) {
      const matches = patterns.filter(([p]) => new RegExp(`^(?:${p})$`).test(String(status)));
      if (status >= 200 && status < 300) expect([status, matches.length]).toEqual([status, 0]);
      else expect([status, matches.length, Number(matches[0]?.[1].statusCode) >= 400]).toEqual([status, 1, true]);
    }
    expect(integration.responses.default.responseTemplates["application/json"]).toBe(
      `{"generated_text":$util.toJson($input.path('$[0].generated_text'))}`,
    );
    expect(integration.responses["424"].responseTemplates["application/json"]).toContain(
      "$context.responseOverride.status = $code",
    );
    expect(body.paths["/falcon-direct/stream"]).toBeUndefined();
    const role = resources(s, "aws_iam_role").find(
      (r) => r.values.description === "API Gateway invokes falcon-direct directly",
    )!;
    expect(JSON.parse(role.values.assume_role_policy).Statement[0].Principal).toEqual({
      Service: "apigateway.amazonaws.com",
    });
    const policy = resources(s, "aws_iam_role_policy").find(
      (p) => p.values.role === `\${aws_iam_role.${role.name}.id}`,
    )!;
    expect(parseTemplateJson(policy.values.policy).Statement).toEqual([
      {
        Sid: "InvokeOneEndpoint",
        Effect: "Allow",
        Action: "sagemaker:InvokeEndpoint",
        Resource: expect.stringMatching(
          /^arn:\$\{data\.aws_partition\.partition\.partition\}:sagemaker:us-east-1:\$\{data\.aws_caller_identity\.caller\.account_id\}:endpoint\/llm-api-v1-falcon-direct$/,
        ),
      },
    ]);
    expect(
      resources(s, "aws_lambda_function")
        .map((f) => f.values.function_name)
        .sort(),
    ).toEqual([
      "llm-api-v1-authorizer",
      "llm-api-v1-chat",
      "llm-api-v1-mistral-7b-invoke",
      "llm-api-v1-mistral-7b-stream",
    ]);
  });

  it("puts the model's Lambda settings on its functions, and bundles its own handler", () => {
    const s = api();
    const fns = Object.fromEntries(resources(s, "aws_lambda_function").map((f) => [f.values.function_name, f.values]));
    const invoke = fns["llm-api-v1-mistral-7b-invoke"];
    expect(invoke).toMatchObject({
      timeout: 25,
      memory_size: 1024,
      reserved_concurrent_executions: 50,
      layers: ["arn:aws:lambda:us-east-1:123456789012:layer:company-certs:3"],
    });
    expect(invoke.environment.variables.BLOCKED_TOPICS).toBe("weapons,malware");
    expect(invoke.filename).toMatch(/\/invoke-mistral-7b-[0-9a-f]{20}\.zip$/);
    expect(fns["llm-api-v1-mistral-7b-stream"]).toMatchObject({
      memory_size: 1024,
      reserved_concurrent_executions: 50,
    });
    expect(fns["llm-api-v1-chat"].reserved_concurrent_executions).toBeUndefined();
    const policy = resources(s, "aws_iam_role_policy").find((p) => p.values.policy.includes("ReadPromptAudit"))!;
    expect(parseTemplateJson(policy.values.policy).Statement.at(-1)).toEqual({
      Sid: "ReadPromptAudit",
      Effect: "Allow",
      Action: "dynamodb:PutItem",
      Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/prompt-audit",
    });
  });

  it("maps the custom domain to the stage with a regional TLS 1.2 endpoint and a Route 53 alias, and outputs its URL", () => {
    const s = api();
    expect(only(s, "aws_api_gateway_domain_name")).toMatchObject({
      domain_name: "llm.acme.example",
      security_policy: "TLS_1_2",
      endpoint_configuration: { types: ["REGIONAL"] },
    });
    expect(only(s, "aws_api_gateway_base_path_mapping")).toMatchObject({
      base_path: "v1",
      stage_name: expect.stringMatching(/aws_api_gateway_stage/),
    });
    expect(only(s, "aws_route53_record")).toMatchObject({
      zone_id: "Z0123456789ABCDEFGHIJ",
      name: "llm.acme.example",
      type: "A",
      alias: { evaluate_target_health: false },
    });
    expect(s.output!.custom_url.value).toBe("https://llm.acme.example/v1");
    // Base path "v1" mapped to the stage, then the OpenAI routes' own /v1: both are in the URL.
    expect(s.output!.custom_openai_base_url.value).toBe("https://llm.acme.example/v1/v1");
  });

  it("captures a sample of requests and responses to S3 under the given key, with the role allowed to write there", () => {
    const s = api();
    const config = resources(s, "aws_sagemaker_endpoint_configuration").find(
      (c) => c.values.name_prefix === "llm-api-v1-mistral-7b-",
    )!;
    expect(config.values.data_capture_config).toEqual({
      enable_capture: true,
      initial_sampling_percentage: 20,
      destination_s3_uri: "s3://acme-llm-capture/mistral/",
      kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      capture_options: [{ capture_mode: "Input" }, { capture_mode: "Output" }],
      capture_content_type_header: { json_content_types: ["application/json"] },
    });
    const exec = resources(s, "aws_iam_role_policy").find((p) => p.values.policy.includes("WriteDataCapture"))!;
    const statements = parseTemplateJson(exec.values.policy).Statement;
    expect(statements.find((x: { Sid: string }) => x.Sid === "WriteDataCapture").Resource).toMatch(
      /:s3:::acme-llm-capture\/mistral\/\*$/,
    );
    expect(statements.find((x: { Sid: string }) => x.Sid === "EncryptDataCapture").Resource).toBe(
      "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    );
  });
});
