import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { BUILD_DIR } from "../../packaging/bundle";
import { SETTINGS_FILE } from "../../contract/routes";
import { functionModels, only, parseTemplateJson, resources, synth, testConfig } from "../helpers/synth";
import { Testing } from "cdktf";
import { buildStacks } from "../../stacks/build";
import { resolveStages } from "../../deployment/resolve";

describe("stacks", () => {
  it("when state is configured, the API stack keeps its state in S3 with lock-file locking, one key per stack", () => {
    const { stacks } = synth(
      testConfig({ stage: "prod", state: { bucket: "acme-tfstate", keyPrefix: "teams/ml", region: "eu-central-1" } }),
    );
    expect(stacks["llm-api-prod"].terraform!.backend).toEqual({
      s3: {
        bucket: "acme-tfstate",
        key: "teams/ml/llm-api-prod/terraform.tfstate",
        region: "eu-central-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    // The state bucket cannot keep its own state in itself.
    expect(stacks["llm-api-state"].terraform!.backend).toEqual({
      local: { path: "../../../terraform.llm-api-state.tfstate" },
    });
    expect(only(stacks["llm-api-state"], "aws_s3_bucket")).toMatchObject({
      bucket: "acme-tfstate",
      lifecycle: { prevent_destroy: true },
    });
  });

  it("without state, every stack uses a local backend and the bucket gets a generated name", () => {
    const { stacks } = synth(testConfig());
    expect(stacks["llm-api-v1"].terraform!.backend).toEqual({
      local: { path: "../../../terraform.llm-api-v1.tfstate" },
    });
    expect(only(stacks["llm-api-state"], "aws_s3_bucket")).toMatchObject({ bucket_prefix: "llm-api-tfstate-" });
  });

  it("tags every resource with project and stage through the provider", () => {
    const { stacks } = synth(testConfig({ tags: { team: "ml" } }));
    expect((stacks["llm-api-v1"].provider!.aws[0] as { default_tags: unknown }).default_tags).toEqual([
      { tags: { team: "ml", Project: "llm-api", Stage: "v1", ManagedBy: "cdktf" } },
    ]);
  });

  it("serves adopted endpoints through the API without creating SageMaker resources for them", () => {
    const { stacks } = synth(testConfig({ existingEndpoints: [{ name: "legacy", endpointName: "old-endpoint" }] }));
    const api = stacks["llm-api-v1"];
    expect(resources(api, "aws_sagemaker_endpoint")).toHaveLength(1);
    expect(
      resources(api, "aws_lambda_function")
        .map((f) => f.values.function_name)
        .sort(),
    ).toEqual([
      "llm-api-v1-authorizer",
      "llm-api-v1-chat",
      "llm-api-v1-legacy-invoke",
      "llm-api-v1-legacy-stream",
      "llm-api-v1-mistral-7b-invoke",
      "llm-api-v1-mistral-7b-stream",
    ]);
    const chat = resources(api, "aws_lambda_function").find((f) => f.values.function_name === "llm-api-v1-chat")!;
    expect(functionModels(chat.values)).toEqual({
      "mistral-7b": { endpoint: "llm-api-v1-mistral-7b", chat: "messages", stream: true },
      legacy: { endpoint: "old-endpoint", chat: "prompt", stream: true },
    });
    expect(api.output!.endpoint_names.value).toEqual({ "mistral-7b": "llm-api-v1-mistral-7b", legacy: "old-endpoint" });
  });

  it("outputs the invoke URL, per-model URLs, endpoint names and the API key", () => {
    const { stacks } = synth(testConfig());
    const outputs = stacks["llm-api-v1"].output!;
    expect(Object.keys(outputs).sort()).toEqual([
      "api_key_id",
      "api_key_value",
      "endpoint_names",
      "invoke_url",
      "model_urls",
      "openai_base_url",
    ]);
    expect(outputs.api_key_value.sensitive).toBe(true);
    expect(outputs.model_urls.value).toEqual({
      "mistral-7b": expect.stringMatching(/^\$\{aws_api_gateway_stage\.[^.]+\.invoke_url\}\/mistral-7b\/invoke$/),
    });
  });

  it("sets the account's API Gateway log role in the once-per-account state stack, in the API's region, never in a stage stack", () => {
    const { stacks } = synth(
      testConfig({ stages: ["dev", "prod"], state: { bucket: "tfstate-bucket", region: "eu-west-1" } }),
    );
    for (const stage of ["llm-api-dev", "llm-api-prod"])
      expect(resources(stacks[stage], "aws_api_gateway_account")).toHaveLength(0);
    const state = stacks["llm-api-state"];
    const account = only(state, "aws_api_gateway_account");
    expect(account.provider).toBe("aws.api");
    expect(state.provider!.aws).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ region: "eu-west-1" }),
        expect.objectContaining({ region: "us-east-1", alias: "api" }),
      ]),
    );
    const elsewhere = synth(testConfig({ api: { manageAccountLogRole: false } })).stacks["llm-api-state"];
    expect(resources(elsewhere, "aws_api_gateway_account")).toHaveLength(0);
  });

  it("with CORS origins, every function gets the allow-list and the API answers preflight", () => {
    const api = synth(testConfig({ api: { corsOrigins: ["https://chat.example.com"] } })).stacks["llm-api-v1"];
    for (const fn of resources(api, "aws_lambda_function"))
      expect(JSON.parse(fn.values.environment.variables.CORS_ORIGINS)).toEqual(["https://chat.example.com"]);
    const body = parseTemplateJson(only(api, "aws_api_gateway_rest_api").body);
    expect(body.paths["/v1/chat/completions"].options["x-amazon-apigateway-integration"].type).toBe("mock");
    const plain = synth(testConfig()).stacks["llm-api-v1"];
    for (const fn of resources(plain, "aws_lambda_function"))
      expect(fn.values.environment.variables.CORS_ORIGINS).toBeUndefined();
  });

  it("gives the streaming functions the stream timeouts the config sets, and sets nothing for the defaults", () => {
    const variablesOf = (config: ReturnType<typeof testConfig>) =>
      Object.fromEntries(
        resources(synth(config).stacks["llm-api-v1"], "aws_lambda_function").map((fn) => [
          fn.values.function_name,
          [
            fn.values.environment.variables.FIRST_TOKEN_TIMEOUT_SECONDS,
            fn.values.environment.variables.STREAM_IDLE_TIMEOUT_SECONDS,
          ],
        ]),
      );
    expect(variablesOf(testConfig({ lambda: { firstTokenTimeoutSeconds: 90, streamIdleTimeoutSeconds: 20 } }))).toEqual(
      {
        "llm-api-v1-mistral-7b-invoke": [undefined, undefined],
        "llm-api-v1-mistral-7b-stream": ["90", "20"],
        "llm-api-v1-chat": ["90", "20"],
        "llm-api-v1-authorizer": [undefined, undefined],
      },
    );
    for (const values of Object.values(variablesOf(testConfig()))) expect(values).toEqual([undefined, undefined]);
  });
});

describe("consumers", () => {
  const stack = () => {
    const { parseConfig } = require("../../config/load");
    const { synth } = require("../helpers/synth");
    const config = parseConfig({
      region: "us-east-1",
      models: [
        { name: "alpha", huggingFace: { modelId: "a/b" }, instance: { type: "ml.g5.2xlarge" } },
        { name: "beta", huggingFace: { modelId: "a/b" }, instance: { type: "ml.g5.2xlarge" } },
      ],
      api: {
        quota: { limit: 1000, period: "DAY" },
        consumers: [
          { name: "team-a", models: ["alpha"], throttle: { rateLimit: 50, burstLimit: 100 } },
          { name: "team-b" },
        ],
      },
    });
    return synth(config).stacks["llm-api-v1"];
  };

  it("gives each consumer a generated key and a usage plan with its limits (or the API's), and no shared key", () => {
    const s = stack();
    const { resources } = require("../helpers/synth");
    const plans = resources(s, "aws_api_gateway_usage_plan").map((r: { values: Record<string, unknown> }) => r.values);
    expect(plans.map((p: Record<string, unknown>) => [p.name, p.throttle_settings, p.quota_settings])).toEqual([
      ["llm-api-v1-team-a-usage", { rate_limit: 50, burst_limit: 100 }, { limit: 1000, period: "DAY" }],
      ["llm-api-v1-team-b-usage", { rate_limit: 5, burst_limit: 10 }, { limit: 1000, period: "DAY" }],
    ]);
    const keys = resources(s, "aws_api_gateway_api_key").map((r: { values: Record<string, unknown> }) => r.values);
    // Beside the consumers' keys, the disabled salt of their hashes (in no usage plan).
    expect(keys.map((k: Record<string, unknown>) => [k.name, k.value, k.enabled])).toEqual([
      ["llm-api-v1-key-hash-salt", undefined, false],
      ["llm-api-v1-team-a-key", undefined, true],
      ["llm-api-v1-team-b-key", undefined, true],
    ]);
    expect(resources(s, "aws_api_gateway_usage_plan_key")).toHaveLength(2);
    expect(s.output?.api_key_value).toBeUndefined();
  });

  it("imports a consumer's key from its secret, read when Terraform plans, when the config names one", () => {
    const { parseConfig } = require("../../config/load");
    const { synth, resources } = require("../helpers/synth");
    const config = parseConfig({
      region: "us-east-1",
      models: [{ name: "alpha", huggingFace: { modelId: "a/b" }, instance: { type: "ml.g5.2xlarge" } }],
      api: {
        consumers: [
          { name: "imported", keySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbC" },
          { name: "generated" },
        ],
      },
    });
    const s = synth(config).stacks["llm-api-v1"];
    const keys = resources(s, "aws_api_gateway_api_key").map((r: { values: Record<string, unknown> }) => [
      r.values.name,
      r.values.value,
    ]);
    expect(keys.sort()).toEqual([
      ["llm-api-v1-generated-key", undefined],
      [
        "llm-api-v1-imported-key",
        expect.stringMatching(/^\$\{data\.aws_secretsmanager_secret_version\.[^.]+\.secret_string\}$/),
      ],
      ["llm-api-v1-key-hash-salt", undefined],
    ]);
    // A short imported key fails the plan, naming the consumer and the fix.
    const imported = resources(s, "aws_api_gateway_api_key").find(
      (r: { values: { name: string } }) => r.values.name === "llm-api-v1-imported-key",
    );
    expect(imported.values.lifecycle.precondition).toEqual([
      {
        condition: expect.stringMatching(
          /^\$\{nonsensitive\(\(length\(data\.aws_secretsmanager_secret_version\.[^.]+\.secret_string\) >= 32\)\)\}$/,
        ),
        error_message: expect.stringContaining(
          "The key of consumer imported (secret arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbC) is shorter than 32 characters",
        ),
      },
    ]);
    expect(s.data.aws_secretsmanager_secret_version).toEqual({
      [Object.keys(s.data.aws_secretsmanager_secret_version)[0]]: expect.objectContaining({
        secret_id: "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbC",
      }),
    });
  });

  it("draws each consumer's tokens on the stage dashboard, from the handlers' metrics", () => {
    const { only } = require("../helpers/synth");
    const body = JSON.parse(only(stack(), "aws_cloudwatch_dashboard").dashboard_body);
    const widget = body.widgets.find(
      (w: { properties: { title: string } }) => w.properties.title === "Input tokens by consumer",
    );
    expect(widget.properties.metrics).toEqual([
      ["llm-api", "InputTokens", "Stage", "v1", "Consumer", "team-a"],
      ["llm-api", "InputTokens", "Stage", "v1", "Consumer", "team-b"],
    ]);
  });

  it("tells the authorizer each consumer's models (in its zip) and its keys by salted hash only (in a secret it alone may read)", () => {
    const { resources } = require("../helpers/synth");
    const authorizer = resources(stack(), "aws_lambda_function").find((r: { values: { function_name: string } }) =>
      r.values.function_name.endsWith("-authorizer"),
    );
    const env = authorizer.values.environment.variables;
    expect(Object.keys(env)).not.toEqual(expect.arrayContaining(["CONSUMERS"]));
    const hex = Buffer.from(authorizer.values.source_code_hash, "base64").toString("hex").slice(0, 16);
    const zip = unzipSync(readFileSync(join(BUILD_DIR, `authorizer-${hex}.zip`)));
    expect(JSON.parse(Buffer.from(zip[SETTINGS_FILE]).toString("utf8")).consumers).toEqual({
      "team-a": ["alpha"],
      "team-b": ["alpha", "beta"],
    });
    // The key table: a secret of the stage, named to the authorizer by ARN, readable by its role only.
    const [table] = resources(stack(), "aws_secretsmanager_secret");
    expect(table.values).toMatchObject({ name: "llm-api-v1-consumer-keys", recovery_window_in_days: 0 });
    expect(env.CONSUMER_KEYS_SECRET).toBe(`\${aws_secretsmanager_secret.${table.name}.arn}`);
    const policy = resources(stack(), "aws_iam_role_policy").find((p: { values: { policy: string } }) =>
      p.values.policy.includes("secretsmanager:GetSecretValue"),
    );
    expect(policy.values.role).toMatch(/authorizer/);
    // Salted with a key that is no one's: a disabled API key in no usage plan, its value generated by API Gateway.
    const [version] = resources(stack(), "aws_secretsmanager_secret_version");
    const salted = (consumer: string) =>
      `\\[nonsensitive\\(sha256\\(join\\(":", \\[aws_api_gateway_api_key\\.consumer-keys_key-hash-salt_[0-9A-F]+\\.value, aws_api_gateway_api_key\\.consumer-keys_${consumer}_[0-9A-F]+\\.value\\]\\)\\)\\), "${consumer}"\\]`;
    expect(version.values.secret_string).toMatch(
      new RegExp(
        `^\\{"salt":\\$\\{jsonencode\\(aws_api_gateway_api_key\\.consumer-keys_key-hash-salt_[0-9A-F]+\\.value\\)\\},"keys":\\$\\{jsonencode\\(\\[${salted("team-a")}, ${salted("team-b")}\\]\\)\\}\\}$`,
      ),
    );
    const salt = resources(stack(), "aws_api_gateway_api_key").find((k: { values: { name: string } }) =>
      k.values.name.endsWith("-key-hash-salt"),
    );
    expect(salt.values).toMatchObject({ enabled: false });
    expect(
      resources(stack(), "aws_api_gateway_usage_plan_key").map((k: { values: { key_id: string } }) => k.values.key_id),
    ).not.toContain(`\${aws_api_gateway_api_key.${salt.name}.id}`);
  });
});

describe("resolving a config", () => {
  it("resolves each stage once: the stacks, the cost, the limits and the boundary read the same values", () => {
    const config = testConfig({ stages: ["dev", "prod"] });
    const first = resolveStages(config);
    expect(resolveStages(config)).toBe(first);
    const app = Testing.app();
    const stacks = buildStacks(app, config);
    expect(stacks.api.map((s) => s.deployment)).toEqual([...first]);
    expect(stacks.api[0].deployment).toBe(first[0]);
    // A Deployment carries what it resolved, not the config it came from.
    expect(Object.keys(first[0])).not.toContain("config");
  });
});
