import { LlmEndpoint } from "../../modules/llm-endpoint";
import { TGI_TAG, hfCpuImage } from "../../reference/images";
import { resolveStage } from "../../deployment/resolve";
import { only, parseTemplateJson, resources, synthConstruct, testConfig } from "../helpers/synth";

function synthModel(model: Record<string, unknown>) {
  const hosting = resolveStage(testConfig({ models: [{ name: "m", ...model } as never] }), "v1").models[0].hosting;
  if (hosting.kind !== "instance" && hosting.kind !== "serverless") throw new Error("expected an endpoint of its own");
  return synthConstruct((stack) => {
    new LlmEndpoint(stack, "model", { hosting, region: "us-east-1", partition: "aws" });
  });
}

const tgi = {
  huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2", maxInputTokens: 3072, maxTotalTokens: 4096 },
  instance: { type: "ml.g5.12xlarge", initialCount: 2 },
};

describe("LlmEndpoint", () => {
  it("serves a Hugging Face model with the TGI image, sharded over the instance's GPUs", () => {
    const stack = synthModel(tgi);
    const model = only(stack, "aws_sagemaker_model");
    expect(model.primary_container).toEqual({
      image: `763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:${TGI_TAG}`,
      environment: {
        HF_MODEL_ID: "mistralai/Mistral-7B-Instruct-v0.2",
        SM_NUM_GPUS: "4",
        MAX_INPUT_TOKENS: "3072",
        MAX_TOTAL_TOKENS: "4096",
      },
    });
    expect(model.lifecycle).toEqual({ create_before_destroy: true });
    expect(model.name).toMatch(/^llm-api-v1-m-[0-9a-f]{8}$/);
    // No token to look up; the one data source is the account, for the execution role's trust.
    expect(stack.data).toEqual({ aws_caller_identity: { caller: {} } });
    const trust = JSON.parse(only(stack, "aws_iam_role").assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnLike: { "aws:SourceArn": "arn:aws:sagemaker:us-east-1:${data.aws_caller_identity.caller.account_id}:*" },
        },
      },
    ]);
  });

  it("names the model by what it runs, so a change makes a new name and never clashes on replacement", () => {
    const name = (m: Record<string, unknown>) => only(synthModel(m), "aws_sagemaker_model").name;
    expect(name(tgi)).toBe(name(tgi));
    expect(name({ ...tgi, huggingFace: { ...tgi.huggingFace, revision: "abc" } })).not.toBe(name(tgi));
    expect(name({ ...tgi, instance: { type: "ml.g5.2xlarge", initialCount: 1 } })).not.toBe(name(tgi));
  });

  it("names endpoint configs by prefix, replaces them create-before-destroy, and keeps the endpoint name fixed", () => {
    const stack = synthModel(tgi);
    const config = only(stack, "aws_sagemaker_endpoint_configuration");
    expect(config.name_prefix).toBe("llm-api-v1-m-");
    expect(config.name).toBeUndefined();
    expect(config.lifecycle).toEqual({ create_before_destroy: true });
    expect(config.production_variants).toEqual([
      {
        variant_name: "AllTraffic",
        model_name: expect.stringMatching(/^\$\{aws_sagemaker_model\.[^.]+\.name\}$/),
        instance_type: "ml.g5.12xlarge",
        initial_instance_count: 2,
        model_data_download_timeout_in_seconds: 1200,
        container_startup_health_check_timeout_in_seconds: 900,
      },
    ]);
    const endpoint = only(stack, "aws_sagemaker_endpoint");
    expect(endpoint.name).toBe("llm-api-v1-m");
    expect(endpoint.endpoint_config_name).toMatch(/^\$\{aws_sagemaker_endpoint_configuration\.[^.]+\.name\}$/);
  });

  it("fails the apply when SageMaker rolled an update back: the endpoint must run the config this apply created", () => {
    const stack = synthModel(tgi);
    const endpoint = only(stack, "aws_sagemaker_endpoint");
    const config = /^\$\{(aws_sagemaker_endpoint_configuration\.[^.]+)\.name\}$/.exec(
      endpoint.endpoint_config_name,
    )![1];
    expect(endpoint.lifecycle.postcondition).toEqual([
      {
        condition: `\${self.endpoint_config_name == ${config}.name}`,
        error_message: expect.stringMatching(
          /^SageMaker rolled the update of endpoint llm-api-v1-m back: .*describe-endpoint --endpoint-name llm-api-v1-m/,
        ),
      },
    ]);
  });

  it("when a token secret is given, it reads the secret when Terraform plans (no depends_on to defer it) into HF_TOKEN, never from the config", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-AbC";
    const stack = synthModel({ ...tgi, huggingFace: { ...tgi.huggingFace, tokenSecretArn: arn } });
    const [secret] = Object.entries(stack.data!.aws_secretsmanager_secret_version);
    expect(secret[1]).toEqual({ secret_id: arn });
    const model = only(stack, "aws_sagemaker_model");
    expect(model.primary_container.environment.HF_TOKEN).toBe(
      `\${data.aws_secretsmanager_secret_version.${secret[0]}.secret_string}`,
    );
    // A rotated token changes the name too, through a hash Terraform computes.
    expect(model.name).toMatch(
      new RegExp(
        `^llm-api-v1-m-\\$\\{substr\\(nonsensitive\\(sha256\\(join\\("", \\["[0-9a-f]{8}", data\\.aws_secretsmanager_secret_version\\.${secret[0]}\\.secret_string\\]\\)\\)\\), 0, 8\\)\\}$`,
      ),
    );
  });

  it("gives the execution role only what the model needs, and no SageMaker actions", () => {
    const stack = synthModel(tgi);
    expect(JSON.parse(only(stack, "aws_iam_role").assume_role_policy).Statement[0].Principal).toEqual({
      Service: "sagemaker.amazonaws.com",
    });
    const statements = parseTemplateJson(only(stack, "aws_iam_role_policy").policy).Statement;
    expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual([
      "WriteEndpointLogs",
      "PublishEndpointMetrics",
      "EcrLogin",
      "PullModelImage",
    ]);
    expect(statements[0].Resource[0]).toMatch(
      /^arn:aws:logs:us-east-1:\$\{data\.aws_caller_identity\.caller\.account_id\}:log-group:\/aws\/sagemaker\/Endpoints\/llm-api-v1-m$/,
    );
    expect(JSON.stringify(statements)).not.toContain("sagemaker:");
    expect(only(stack, "aws_sagemaker_model").depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
  });

  it("when autoscaling is configured, it tracks the chosen metric with the configured cooldowns", () => {
    const stack = synthModel({
      ...tgi,
      instance: { type: "ml.g5.2xlarge", initialCount: 1 },
      autoscaling: {
        minCapacity: 1,
        maxCapacity: 4,
        metric: "concurrentRequestsPerModel",
        targetValue: 8,
        scaleInCooldownSeconds: 600,
        scaleOutCooldownSeconds: 120,
      },
    });
    const target = only(stack, "aws_appautoscaling_target");
    expect(target).toMatchObject({
      service_namespace: "sagemaker",
      scalable_dimension: "sagemaker:variant:DesiredInstanceCount",
      min_capacity: 1,
      max_capacity: 4,
    });
    expect(target.resource_id).toMatch(/^endpoint\/\$\{aws_sagemaker_endpoint\.[^.]+\.name\}\/variant\/AllTraffic$/);
    const policy = only(stack, "aws_appautoscaling_policy");
    expect(policy.policy_type).toBe("TargetTrackingScaling");
    expect(policy.target_tracking_scaling_policy_configuration).toEqual({
      target_value: 8,
      scale_in_cooldown: 600,
      scale_out_cooldown: 120,
      predefined_metric_specification: {
        predefined_metric_type: "SageMakerVariantConcurrentRequestsPerModelHighResolution",
      },
    });
  });

  it("when serverless, it sets memory and concurrency, no instance, no autoscaling, and the CPU image", () => {
    const stack = synthModel({
      huggingFace: { modelId: "Qwen/Qwen2.5-0.5B-Instruct" },
      serverless: { memorySizeMb: 4096, maxConcurrency: 8 },
    });
    const variant = only(stack, "aws_sagemaker_endpoint_configuration").production_variants[0];
    expect(variant.serverless_config).toEqual({ memory_size_in_mb: 4096, max_concurrency: 8 });
    expect(variant.instance_type).toBeUndefined();
    expect(resources(stack, "aws_appautoscaling_target")).toHaveLength(0);
    expect(only(stack, "aws_sagemaker_model").primary_container.image).toBe(hfCpuImage("us-east-1").uri);
  });

  it("when given a model package, it runs the package as is, network-isolated unless told otherwise", () => {
    const arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/1";
    const stack = synthModel({ modelPackageArn: arn, instance: { type: "ml.g5.xlarge" } });
    const model = only(stack, "aws_sagemaker_model");
    expect([model.primary_container, model.enable_network_isolation]).toEqual([{ model_package_name: arn }, true]);
    const open = only(
      synthModel({ modelPackageArn: arn, instance: { type: "ml.g5.xlarge" }, networkIsolation: false }),
      "aws_sagemaker_model",
    );
    expect(open.enable_network_isolation).toBeUndefined();
    // Isolation is part of the model: turning it off makes a new model under a new name, created before the old goes.
    expect(open.name).not.toBe(model.name);
  });

  it("isolates a custom image when asked, and leaves Hugging Face models (which download from the Hub) open", () => {
    const custom = {
      image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-llm:1.0",
      modelDataUrl: "s3://bucket/model.tar.gz",
    };
    expect(
      only(synthModel({ custom, instance: { type: "ml.g5.xlarge" }, networkIsolation: true }), "aws_sagemaker_model")
        .enable_network_isolation,
    ).toBe(true);
    expect(only(synthModel(tgi), "aws_sagemaker_model").enable_network_isolation).toBeUndefined();
  });

  it("on serverless, sets the pipeline task the config names (HF_TASK), text-generation by default", () => {
    const env = (hf: Record<string, unknown>) =>
      only(
        synthModel({ huggingFace: { modelId: "a/b", ...hf }, serverless: { memorySizeMb: 2048 } }),
        "aws_sagemaker_model",
      ).primary_container.environment;
    expect([env({}).HF_TASK, env({ task: "text2text-generation" }).HF_TASK]).toEqual([
      "text-generation",
      "text2text-generation",
    ]);
  });
});
