import { join } from "node:path";
import { ConfigError } from "../../config/errors";
import { configFileFrom, loadConfig, parseConfig } from "../../config/load";
import { ROOT } from "../helpers/synth";
import { modelRoute } from "../../deployment/sagemaker/model-routes";

const base = () => ({
  region: "us-east-1",
  models: [
    {
      name: "mistral-7b",
      huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
      instance: { type: "ml.g5.2xlarge" },
    },
  ],
});
type Base = ReturnType<typeof base> & Record<string, any>;

/** The problems reported for a config, or [] when it is valid. */
function problems(mutate: (c: Base) => void): readonly string[] {
  const config = base() as Base;
  mutate(config);
  try {
    parseConfig(config);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

describe("config", () => {
  it("when the default config is loaded, it deploys Mistral-7B-Instruct-v0.2 on ml.g5.2xlarge, autoscaled 1 to 2 on concurrent requests, with API keys at stage v1", () => {
    const config = loadConfig(join(ROOT, "llm-api.config.json"));
    expect(config.stage).toBe("v1");
    expect(config.api.auth).toBe("apiKey");
    expect(config.models).toHaveLength(1);
    expect(config.models[0]).toMatchObject({
      source: { kind: "huggingFace", server: "tgi", modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
      capacity: {
        kind: "instance",
        type: "ml.g5.2xlarge",
        initialCount: 1,
        autoscaling: { minCapacity: 1, maxCapacity: 2, metric: "concurrentRequestsPerModel", targetValue: 4 },
      },
      integration: { kind: "lambda" },
    });
    expect(config.state).toBeUndefined();
  });

  describe("what would fail at deploy or leak, refused before any Terraform is written", () => {
    const hfModel = (hf: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      region: "us-east-1",
      models: [{ name: "m", huggingFace: { modelId: "a/b", ...hf }, instance: { type: "ml.g5.2xlarge" }, ...extra }],
    });
    const refused = (config: unknown) => {
      try {
        parseConfig(config);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };

    it.each([
      [
        "a Hugging Face token in a custom image's environment",
        {
          region: "us-east-1",
          models: [
            {
              name: "m",
              custom: {
                image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1",
                environment: { HF: "hf_abcdefghijklmnopqrstuvwxyz0123456789" },
              },
              instance: { type: "ml.g5.2xlarge" },
            },
          ],
        },
        "models[0].custom.environment.HF: looks like a secret",
      ],
      [
        "a secret-named variable in a custom image's environment",
        {
          region: "us-east-1",
          models: [
            {
              name: "m",
              custom: {
                image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1",
                environment: { HUGGING_FACE_HUB_TOKEN: "x" },
              },
              instance: { type: "ml.g5.2xlarge" },
            },
          ],
        },
        "models[0].custom.environment.HUGGING_FACE_HUB_TOKEN: looks like a secret",
      ],
      [
        "a token secret in another region",
        hfModel({ tokenSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hf-AbC" }),
        "models[0].huggingFace.tokenSecretArn: is in eu-west-1, but the stack reads it in us-east-1",
      ],
      [
        "a certificate in another region",
        {
          ...hfModel({}),
          api: {
            domain: { name: "llm.example.com", certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc" },
          },
        },
        "api.domain.certificateArn: is in us-west-2, but a regional API Gateway domain needs a certificate in the API's region (us-east-1)",
      ],
      [
        "a prefill batch smaller than one prompt",
        hfModel({ maxInputTokens: 3072, maxTotalTokens: 4096, maxBatchPrefillTokens: 2048 }),
        "models[0].huggingFace.maxBatchPrefillTokens: 2048 is below maxInputTokens (3072)",
      ],
      [
        "a stage named as the project's CI stack",
        { ...hfModel({}), stages: ["dev", "ci"] },
        'stages[1]: "ci" is reserved: the project\'s ci stack is <project>-ci, and a stage of that name would share its stack and state',
      ],
      [
        "a stage named as the project's state stack",
        { ...hfModel({}), stage: "state" },
        'stage: "state" is reserved: the project\'s state stack is <project>-state',
      ],
      [
        "state keys at the bucket's root",
        { ...hfModel({}), state: { bucket: "team-llm-state", keyPrefix: "" } },
        'state.keyPrefix: got ""; must be letters, digits',
      ],
      [
        "weights at an S3 object, not a prefix",
        hfModel({ weightsS3Uri: "s3://models/model.tar.gz" }),
        'models[0].huggingFace.weightsS3Uri: got "s3://models/model.tar.gz"; must be an S3 prefix ending in /',
      ],
      [
        "weights from S3 and a Hub revision",
        hfModel({ weightsS3Uri: "s3://models/a-b/", revision: "main" }),
        "models[0].huggingFace.revision: names a Hub commit, but weightsS3Uri loads the weights from S3",
      ],
      [
        "weights from S3 on serverless",
        {
          region: "us-east-1",
          models: [
            {
              name: "m",
              huggingFace: { modelId: "a/b", weightsS3Uri: "s3://models/a-b/" },
              serverless: { memorySizeMb: 6144 },
            },
          ],
        },
        "models[0].huggingFace.weightsS3Uri: weights from S3 are for models on instances",
      ],
      [
        "network isolation on a model downloaded from the Hub",
        hfModel({}, { networkIsolation: true }),
        "models[0].networkIsolation: would stop the container from downloading the model",
      ],
      [
        "a region that does not exist",
        { ...hfModel({}), region: "us-east-3" },
        'region: "us-east-3" is not an AWS region',
      ],
      [
        "a task on an instance model",
        hfModel({ task: "fill-mask" }),
        "models[0].huggingFace.task: is read by the CPU inference toolkit of serverless endpoints only",
      ],
      [
        "a consumer with a model the API does not serve",
        { ...hfModel({}), api: { consumers: [{ name: "a", models: ["nope"] }] } },
        'api.consumers[0].models[0]: "nope" is not a model of this API',
      ],
      [
        "consumers without API keys",
        { ...hfModel({}), api: { auth: "iam", consumers: [{ name: "a" }] } },
        'api.consumers: consumers get API keys. Fix: use auth "apiKey"',
      ],
      [
        "a consumer listed twice",
        { ...hfModel({}), api: { consumers: [{ name: "a" }, { name: "a" }] } },
        'api.consumers[1].name: "a" is listed twice',
      ],
      [
        "a budget on a model whose context is not given",
        { ...hfModel({}), api: { consumers: [{ name: "a", budget: { tokens: 1000, period: "day" } }] } },
        'api.consumers[0].budget: the consumer may call "m", whose context the config does not give, so a request without max_tokens cannot be reserved before it runs. Fix: set models[0].huggingFace.maxTotalTokens',
      ],
      [
        "a model budget for a model the consumer may not call",
        {
          ...hfModel({ maxInputTokens: 512, maxTotalTokens: 1024 }),
          api: { consumers: [{ name: "a", budget: { tokens: 1000, period: "day", models: { other: 10 } } }] },
        },
        'api.consumers[0].budget.models.other: "other" is not a model this consumer may call. Fix: use one of m',
      ],
      [
        "a model budget over the total",
        {
          ...hfModel({ maxInputTokens: 512, maxTotalTokens: 1024 }),
          api: { consumers: [{ name: "a", budget: { tokens: 1000, period: "day", models: { m: 2000 } } }] },
        },
        "api.consumers[0].budget.models.m: 2000 is more than the consumer's total of 1000 tokens. Fix: lower it, or raise budget.tokens",
      ],
    ])("%s", (_name, config, problem) => {
      const problems = refused(config);
      expect(problems).toEqual([expect.stringContaining(problem)]);
      expect(problems[0]).toContain("Fix:");
    });
  });

  it("takes an embedding model (server tei) on a CPU instance or serverless, and refuses generation settings or routes of its own on it", () => {
    const tei = (m: Record<string, unknown>) => () =>
      parseConfig({
        region: "us-east-1",
        models: [{ name: "bge", server: "tei", huggingFace: { modelId: "BAAI/bge-small-en-v1.5" }, ...m }],
      });
    expect(tei({ instance: { type: "ml.c6i.xlarge" } })).not.toThrow();
    expect(tei({ serverless: { memorySizeMb: 2048 } })).not.toThrow();
    expect(tei({ instance: { type: "ml.g5.xlarge" }, huggingFace: { modelId: "a/b", quantize: "awq" } })).toThrow(
      "models[0].huggingFace.quantize: is a text-generation setting; TEI serves embeddings. Fix: remove quantize",
    );
    expect(tei({ instance: { type: "ml.g5.xlarge" }, integration: "direct" })).toThrow(
      "models[0].integration: an embedding model has no /invoke route",
    );
    expect(() =>
      parseConfig({
        region: "us-east-1",
        models: [
          {
            name: "bge",
            server: "tei",
            modelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/x/1",
            instance: { type: "ml.g5.xlarge" },
          },
        ],
      }),
    ).toThrow('models[0].server: "tei" serves a Hugging Face embedding model');
  });

  it("takes office hours on a model that scales to zero: a copy kept from 8 to 19 on weekdays, none outside", () => {
    const m = {
      name: "m",
      huggingFace: { modelId: "a/b" },
      instance: { type: "ml.g5.2xlarge" },
      autoscaling: {
        minCapacity: 0,
        maxCapacity: 2,
        targetValue: 5,
        schedules: [
          { name: "office", schedule: "cron(0 8 ? * MON-FRI *)", timezone: "Europe/Berlin", minCapacity: 1 },
          { name: "evening", schedule: "cron(0 19 ? * MON-FRI *)", timezone: "Europe/Berlin", minCapacity: 0 },
        ],
      },
    };
    expect(() => parseConfig({ region: "us-east-1", models: [m] })).not.toThrow();
  });

  it("takes network isolation on a Hugging Face model whose weights come from S3: nothing is downloaded at start", () => {
    const m = {
      name: "m",
      huggingFace: { modelId: "a/b", weightsS3Uri: "s3://models/a-b/" },
      instance: { type: "ml.g5.2xlarge" },
      networkIsolation: true,
    };
    expect(() => parseConfig({ region: "us-east-1", models: [m] })).not.toThrow();
  });

  it("takes Hugging Face ids with an owner and the older ones without (gpt2), and refuses what is neither", () => {
    const withId = (modelId: string) => () =>
      parseConfig({
        region: "us-east-1",
        models: [{ name: "m", huggingFace: { modelId }, instance: { type: "ml.g5.2xlarge" } }],
      });
    for (const id of ["gpt2", "bert-base-uncased", "mistralai/Mistral-7B-Instruct-v0.2"])
      expect(withId(id)).not.toThrow();
    for (const id of ["a/b/c", "/gpt2", "gpt 2", "owner/"])
      expect(withId(id)).toThrow(/models\[0\]\.huggingFace\.modelId: .*must be a Hugging Face model id/);
  });

  it("when optional sections are left out, it fills in the documented defaults", () => {
    const config = parseConfig(base());
    expect(config).toMatchObject({
      project: "llm-api",
      stage: "v1",
      tags: {},
      existingEndpoints: [],
      api: {
        auth: "apiKey",
        allowUnauthenticated: false,
        throttle: { rateLimit: 5, burstLimit: 10 },
        accessLogRetentionDays: 30,
        manageAccountLogRole: true,
      },
      lambda: { memorySizeMb: 512, timeoutSeconds: 29, logRetentionDays: 30 },
    });
    expect(config.models[0]).toMatchObject({
      capacity: { modelDownloadTimeoutSeconds: 1200, startupHealthCheckTimeoutSeconds: 900 },
      source: { trustRemoteCode: false },
    });
  });

  it("when the example with three models is loaded, it holds a scaled TGI model, a serverless model and an adopted endpoint", () => {
    const config = loadConfig(join(ROOT, "examples", "multi-model.json"));
    expect(
      config.models.map((m) => [
        m.name,
        m.capacity.kind === "instance" && !!m.capacity.autoscaling,
        m.capacity.kind === "serverless",
      ]),
    ).toEqual([
      ["llama-8b", true, false],
      ["qwen-small", false, true],
    ]);
    expect(config.existingEndpoints).toEqual([{ name: "legacy-falcon", endpointName: "falcon-7b-instruct-prod" }]);
    expect(config.state).toEqual({ bucket: "acme-llm-api-tfstate", keyPrefix: "llm-api" });
  });

  // Each invalid config gives exactly one message, naming the field and the fix.
  /** Puts models[0] on the shared endpoint "gpu" (or another), with these placement fields. */
  const placed = (c: Base, placement: Record<string, unknown>) => {
    const m = c.models[0] as any;
    delete m.instance;
    m.placement = { endpoint: "gpu", gpus: 1, memoryMb: 16384, maxCopies: 1, ...placement };
    return true;
  };
  const invalid: [string, (c: Base) => void, string][] = [
    [
      "a model name with capitals",
      (c) => (c.models[0].name = "Mistral"),
      `models[0].name: got "Mistral"; must use only lower-case letters, digits and '-'. Fix: rename it, e.g. "mistral-7b"`,
    ],
    [
      "two models with one name",
      (c) => c.models.push({ ...c.models[0] }),
      `models[1].name: "mistral-7b" is already used by models[0]. Fix: give every model a unique name`,
    ],
    [
      "min capacity above max",
      (c) => ((c.models[0] as any).autoscaling = { minCapacity: 3, maxCapacity: 2, targetValue: 5 }),
      "models[0].autoscaling.minCapacity: 3 is greater than maxCapacity (2). Fix: make minCapacity <= maxCapacity",
    ],
    [
      "no model source",
      (c) => delete (c.models[0] as any).huggingFace,
      "models[0]: no model source. Fix: set exactly one of huggingFace, modelPackageArn or custom",
    ],
    [
      "two model sources",
      (c) => ((c.models[0] as any).modelPackageArn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/1"),
      "models[0]: 2 model sources (huggingFace, modelPackageArn). Fix: set exactly one of huggingFace, modelPackageArn or custom",
    ],
    [
      "instance and serverless",
      (c) => ((c.models[0] as any).serverless = { memorySizeMb: 2048 }),
      "models[0]: instance and serverless are set. Fix: set exactly one of instance (real-time), serverless, or placement (on a shared endpoint)",
    ],
    [
      "neither instance nor serverless",
      (c) => delete (c.models[0] as any).instance,
      "models[0]: none of instance, serverless or placement is set. Fix: set exactly one of instance (real-time), serverless, or placement (on a shared endpoint)",
    ],
    [
      "input tokens not below total tokens",
      (c) => Object.assign(c.models[0].huggingFace, { maxInputTokens: 4096, maxTotalTokens: 4096 }),
      "models[0].huggingFace.maxInputTokens: 4096 must be less than maxTotalTokens (4096), which counts prompt and generated tokens. Fix: lower maxInputTokens or raise maxTotalTokens",
    ],
    [
      "an instance type with unknown GPU count",
      (c) => (c.models[0].instance.type = "ml.m5.xlarge"),
      `models[0].instance.type: "ml.m5.xlarge" is not a known GPU instance type for the TGI image. Fix: use one of ml.g4dn.xlarge`,
    ],
    [
      "a token in plain text",
      (c) => ((c.models[0].huggingFace as any).tokenSecretArn = "hf_abcdefghijklmnop"),
      `models[0].huggingFace.tokenSecretArn: got "hf_abcdefghijklmnop"; must be a Secrets Manager secret ARN. Fix: store the Hugging Face token in Secrets Manager and give its ARN; tokens are never read from this file`,
    ],
    [
      "an unknown key",
      (c) => ((c.models[0] as any).instanceType = "ml.g5.2xlarge"),
      `models[0].instanceType: unknown key. Fix: remove it or correct the spelling (see schema/llm-api.config.schema.json)`,
    ],
    ["a missing region", (c) => delete (c as any).region, "region: is required. Fix: add region (string)"],
    [
      "a deployment time limit beyond the provider's 14,400 s",
      (c) => Object.assign(c.models[0], { deployment: { maxExecutionSeconds: 20000 } }),
      "models[0].deployment.maxExecutionSeconds: got 20000; must be at most 14400. Fix: change it to at most 14400",
    ],
    [
      "a linear step smaller than SageMaker's 10 %",
      (c) => Object.assign(c.models[0], { deployment: { strategy: "linear", stepPercent: 5, waitSeconds: 60 } }),
      `models[0].deployment.stepPercent: 5 % is smaller than SageMaker's linear steps allow (10-50 % of the fleet). Fix: a stepPercent of 10 or more, or strategy "canary"`,
    ],
    [
      "a model named like the OpenAI routes' prefix",
      (c) => (c.models[0].name = "v1"),
      'models[0].name: "v1" is reserved: it is the OpenAI routes\' prefix (/v1/...). Fix: give the model another name, e.g. "mistral-7b"',
    ],
    [
      "a model named like a property of every JavaScript object",
      (c) => (c.models[0].name = "constructor"),
      'models[0].name: "constructor" is reserved: it is a name every JavaScript object has. Fix: give the model another name, e.g. "mistral-7b"',
    ],
    [
      "a consumer named constructor",
      (c) => (c.api = { consumers: [{ name: "constructor" }] }),
      'api.consumers[0].name: "constructor" is reserved: it is a name every JavaScript object has. Fix: give the consumer another name, e.g. "search-team"',
    ],
    [
      "a consumer named like the authorizer's unknown keys",
      (c) => (c.api = { consumers: [{ name: "unknown" }] }),
      'api.consumers[0].name: "unknown" is reserved: it names unknown keys. Fix: give the consumer another name, e.g. "search-team"',
    ],
    [
      "a first-token timeout no shorter than the stream timeout",
      (c) => (c.lambda = { streamTimeoutSeconds: 60, firstTokenTimeoutSeconds: 60 }),
      "lambda.firstTokenTimeoutSeconds: 60 s is not shorter than lambda.streamTimeoutSeconds (60 s), so it could never apply. Fix: lower it, or raise streamTimeoutSeconds",
    ],
    [
      "a public API without the flag",
      (c) => (c.api = { auth: "none" }),
      `api.auth: "none" makes the API public. Fix: use "apiKey" or "iam", or also set api.allowUnauthenticated to true`,
    ],
    [
      "a wrong type",
      (c) => (c.models[0].instance = { type: "ml.g5.2xlarge", initialCount: "two" } as any),
      `models[0].instance.initialCount: expected number, got "two". Fix: give a number`,
    ],
    [
      "an unsupported serverless memory size",
      (c) =>
        (c.models[0] = {
          name: "tiny",
          huggingFace: { modelId: "Qwen/Qwen2.5-0.5B" },
          serverless: { memorySizeMb: 1000 },
        } as any),
      "models[0].serverless.memorySizeMb: got 1000. Fix: use one of 1024, 2048, 3072, 4096, 5120, 6144",
    ],
    [
      "autoscaling on serverless",
      (c) =>
        (c.models[0] = {
          name: "tiny",
          huggingFace: { modelId: "Qwen/Qwen2.5-0.5B" },
          serverless: { memorySizeMb: 2048 },
          autoscaling: { minCapacity: 1, maxCapacity: 2, targetValue: 3 },
        } as any),
      "models[0].autoscaling: serverless endpoints scale by themselves. Fix: remove autoscaling, or use an instance",
    ],
    [
      "a placement on an endpoint the config does not have",
      (c) => {
        Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] });
        placed(c, {});
        c.models.push({
          ...c.models[0],
          name: "second",
          placement: { ...(c.models[0] as any).placement, endpoint: "gpus" },
        } as any);
      },
      'models[1].placement.endpoint: "gpus" is not in endpoints. Fix: use one of "gpu"',
    ],
    [
      "a placement of more GPUs than the instance has",
      (c) =>
        Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] }) &&
        placed(c, { gpus: 8 }),
      "models[0].placement.gpus: 8 is more than ml.g6e.12xlarge has (4). Fix: at most 4, or a larger instance type for the endpoint",
    ],
    [
      "more copies than the endpoint's instances hold",
      (c) =>
        Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] }) &&
        placed(c, { gpus: 2, maxCopies: 3 }),
      "models[0].placement.maxCopies: 3 copies of 2 GPUs do not fit 1 × ml.g6e.12xlarge (2 per instance). Fix: at most 2, or raise endpoints[0].maxInstances",
    ],
    [
      "placed models that together outgrow the endpoint",
      (c) => {
        Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] });
        placed(c, { gpus: 2, maxCopies: 2 });
        c.models.push({ ...c.models[0], name: "second" });
      },
      "endpoints[0].maxInstances: the models placed here take 8 GPUs at their maxCopies, and 4 more while a new version of each starts its copy beside the old one: 12, more than 1 × ml.g6e.12xlarge hold (4). Fix: maxInstances 3 (instances beyond those in use cost nothing), or lower the models' maxCopies",
    ],
    [
      "placed models that fill the endpoint, leaving no room for a new version's copy",
      (c) => {
        Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] });
        placed(c, { gpus: 2, maxCopies: 1 });
        c.models.push({ ...c.models[0], name: "second" });
      },
      "endpoints[0].maxInstances: the models placed here take 4 GPUs at their maxCopies, and 4 more while a new version of each starts its copy beside the old one: 8, more than 1 × ml.g6e.12xlarge hold (4). Fix: maxInstances 2",
    ],
    [
      "a placed model that scales to zero on the concurrency metric",
      (c) => {
        Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 2 }] });
        placed(c, { gpus: 1, maxCopies: 1, metric: "concurrentRequestsPerModel" });
      },
      'models[0].placement.metric: concurrentRequestsPerModel is not documented to take a model in to zero: AWS scales components in to zero on invocations per copy. Fix: metric "invocationsPerInstance" (invocations per copy per minute), or minCopies 1',
    ],
    [
      "streaming functions too short to hold a request while a model wakes from zero",
      (c) => {
        Object.assign(c.models[0], { autoscaling: { minCapacity: 0, maxCapacity: 1, targetValue: 10 } });
        Object.assign(c, { lambda: { streamTimeoutSeconds: 300 } });
      },
      "lambda.streamTimeoutSeconds: 300 s does not cover holding a request 780 s while a model wakes from zero (lambda.wakeHoldSeconds) and 60 s to answer after it. Fix: raise it to at least 840 (at most 900), or lower lambda.wakeHoldSeconds to at most 240",
    ],
    [
      "a model's own stream function too short to hold its requests while it wakes",
      (c) =>
        Object.assign(c.models[0], {
          autoscaling: { minCapacity: 0, maxCapacity: 1, targetValue: 10 },
          lambda: { streamTimeoutSeconds: 600 },
        }),
      "models[0].lambda.streamTimeoutSeconds: 600 s does not cover holding a request 780 s while the model wakes from zero (lambda.wakeHoldSeconds) and 60 s to answer after it. Fix: raise it to at least 840 (at most 900), or lower lambda.wakeHoldSeconds to at most 540",
    ],
    [
      "a model that scales to zero alone on the concurrency metric",
      (c) =>
        Object.assign(c.models[0], {
          autoscaling: { minCapacity: 0, maxCapacity: 1, metric: "concurrentRequestsPerModel", targetValue: 4 },
        }),
      'models[0].autoscaling.metric: concurrentRequestsPerModel is not documented to take a model in to zero: AWS scales components in to zero on invocations per copy. Fix: metric "invocationsPerInstance" (invocations per copy per minute), or minCapacity 1',
    ],
    [
      "a placed model with autoscaling of its own",
      (c) => {
        Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] });
        placed(c, {});
        (c.models[0] as any).autoscaling = { minCapacity: 1, maxCapacity: 2, targetValue: 5 };
      },
      "models[0].autoscaling: a placed model is an inference component: its copies are placement.minCopies and maxCopies. Fix: remove autoscaling",
    ],
    [
      "a shared endpoint no model is placed on",
      (c) => Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] }),
      'endpoints[0]: no model is placed on "gpu". Fix: remove it, or give a model placement.endpoint "gpu"',
    ],
    [
      "a placed model whose component would be named as another model",
      (c) => {
        Object.assign(c, { endpoints: [{ name: "gpu", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] });
        placed(c, {});
        c.models.push({
          ...c.models[0],
          name: "gpu-mistral-7b",
          placement: undefined,
          instance: { type: "ml.g5.2xlarge" },
        } as any);
      },
      'models[0].name: on "gpu" its component is named "gpu-mistral-7b", as the model "gpu-mistral-7b" names its own. Fix: rename one of them',
    ],
    [
      "a shared endpoint named as a model",
      (c) =>
        Object.assign(c, { endpoints: [{ name: "other", instanceType: "ml.g6e.12xlarge", maxInstances: 1 }] }) &&
        placed(c, { endpoint: "other" }) &&
        c.models.push({
          ...c.models[0],
          name: "other",
          placement: undefined,
          instance: { type: "ml.g5.2xlarge" },
        } as any),
      'endpoints[0].name: "other" is also a model\'s name, and both would name one endpoint. Fix: rename the endpoint',
    ],
    [
      "scale to zero with blue/green deployment",
      (c) =>
        Object.assign(c.models[0], {
          autoscaling: { minCapacity: 0, maxCapacity: 2, targetValue: 5 },
          deployment: { strategy: "canary" },
        }),
      "models[0].deployment: autoscaling.minCapacity 0 deploys the model as an inference component, which SageMaker updates copy by copy (a rolling update watched by the model's alarms), not blue/green. Fix: remove deployment",
    ],
    [
      "scale to zero of a model package",
      (c) =>
        (c.models[0] = {
          name: "pkg",
          modelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/llama-3-8b/1",
          instance: { type: "ml.g5.2xlarge" },
          autoscaling: { minCapacity: 0, maxCapacity: 2, targetValue: 5 },
        } as any),
      "models[0].modelPackageArn: autoscaling.minCapacity 0 deploys the model as an inference component, which this product builds from a container image. Fix: minCapacity 1, or a huggingFace or custom model",
    ],
    [
      "a schedule minimum of 0 on a model that does not scale to zero",
      (c) =>
        ((c.models[0] as any).autoscaling = {
          minCapacity: 1,
          maxCapacity: 2,
          targetValue: 5,
          schedules: [{ name: "night", schedule: "cron(0 20 * * ? *)", minCapacity: 0 }],
        }),
      "models[0].autoscaling.schedules[0].minCapacity: 0 is for a model that scales to zero: an endpoint's own instances stay at 1 or more. Fix: autoscaling.minCapacity 0, or a schedule minimum of 1",
    ],
    [
      "scale to zero behind a direct integration",
      (c) =>
        Object.assign(c.models[0], {
          autoscaling: { minCapacity: 0, maxCapacity: 2, targetValue: 5 },
          integration: "direct",
        }),
      'models[0].integration: autoscaling.minCapacity 0 deploys the model as an inference component, which API Gateway\'s direct integration cannot name. Fix: integration "lambda" (the default), or minCapacity 1',
    ],
    [
      "a CORS origin with a path",
      (c) => (c.api = { corsOrigins: ["https://chat.example.com/"] }),
      `api.corsOrigins[0]: got "https://chat.example.com/"; must be an origin like "https://chat.example.com" (scheme and host, no path), or "*". Fix: remove the path or trailing slash`,
    ],
    [
      "vllm without an instance",
      (c) =>
        (c.models[0] = {
          name: "v",
          server: "vllm",
          huggingFace: { modelId: "a/b" },
          serverless: { memorySizeMb: 2048 },
        } as any),
      `models[0].server: "vllm" serves a huggingFace model on an instance. Fix: use "tgi" (the default), or give huggingFace and instance`,
    ],
    [
      "a TGI-only quantization on vllm",
      (c) => Object.assign(c.models[0], { server: "vllm", huggingFace: { modelId: "a/b", quantize: "eetq" } }),
      `models[0].huggingFace.quantize: "eetq" is not a vLLM quantization in this product. Fix: use awq, gptq or fp8, or server "tgi"`,
    ],
    [
      "function settings on a direct integration",
      (c) => Object.assign(c.models[0], { integration: "direct", lambda: { memorySizeMb: 1024 } }),
      `models[0].lambda: a direct integration runs no function of its own. Fix: remove lambda, or use integration "lambda"`,
    ],
    [
      "an extra IAM statement on every resource",
      (c) => Object.assign(c.models[0], { lambda: { extraStatements: [{ Action: "s3:GetObject", Resource: "*" }] } }),
      `models[0].lambda.extraStatements[0]: grants "*". Fix: name the actions and the resource ARNs the handler needs`,
    ],
    [
      "a secret in a function's environment",
      (c) => Object.assign(c.models[0], { lambda: { environment: { OPENAI_API_KEY: "sk-1" } } }),
      `models[0].lambda.environment.OPENAI_API_KEY: got "OPENAI_API_KEY"; looks like a secret. Fix: keep secrets in Secrets Manager and read them in the handler`,
    ],
    [
      "one custom domain for two stages",
      (c) =>
        Object.assign(c, {
          stages: ["dev", "prod"],
          api: {
            domain: {
              name: "llm.example.com",
              certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc-123",
            },
          },
        }),
      `api.domain: one custom domain cannot belong to several stage stacks. Fix: use one config per stage, each with its own domain`,
    ],
    [
      "data capture on serverless",
      (c) =>
        (c.models[0] = {
          name: "s",
          huggingFace: { modelId: "a/b" },
          serverless: { memorySizeMb: 2048 },
          dataCapture: { s3Uri: "s3://bucket/x/" },
        } as any),
      `models[0].dataCapture: serverless endpoints cannot capture data. Fix: remove dataCapture, or use an instance`,
    ],
    [
      "a linear blue/green update with the default steps (10 × 300 s), longer than the provider waits",
      (c) => Object.assign(c.models[0], { deployment: { strategy: "linear" } }),
      `models[0].deployment: an update would take about 65 minutes (10 traffic steps × waitSeconds, terminationWaitSeconds and ~15 minutes to start the new fleet), longer than the 60 minutes Terraform's AWS provider waits for the endpoint, so the apply would fail midway. Fix: fewer steps`,
    ],
    [
      "a canary update whose waits and termination wait outlast the provider",
      (c) =>
        Object.assign(c.models[0], {
          deployment: { strategy: "canary", waitSeconds: 1200, terminationWaitSeconds: 900 },
        }),
      `models[0].deployment: an update would take about 70 minutes (2 traffic steps`,
    ],
    [
      "a region without the serving image",
      (c) => (c.region = "ap-southeast-7"),
      `region: "ap-southeast-7" has no Hugging Face serving image in this product's table (needed by models[0]). Fix: use one of af-south-1`,
    ],
  ];

  it.each(invalid)("fails when given %s, naming the field and the fix", (_, mutate, expected) => {
    const found = problems(mutate);
    expect(found).toHaveLength(1);
    expect(found[0].startsWith(expected)).toBe(true);
  });

  it("fails with every problem at once, single-field and cross-field together", () => {
    const found = problems((c) => {
      c.region = "mars";
      c.models[0].name = "Bad Name";
      (c.models[0] as any).serverless = { memorySizeMb: 2048 };
      c.api = { auth: "none" };
    });
    expect(found.map((p) => p.split(":")[0])).toEqual(["region", "models[0].name", "models[0]", "api.auth"]);
  });

  it("fails cleanly when the file holds null or a list, and quotes odd keys in paths (found by fuzzing)", () => {
    expect(() => parseConfig(null)).toThrow(
      "config: 1 problem\n  - (top level): expected object, got null. Fix: give a object",
    );
    expect(() => parseConfig([])).toThrow(ConfigError);
    expect(problems((c) => (c[" "] = 1))).toEqual([
      `[" "]: unknown key. Fix: remove it or correct the spelling (see schema/llm-api.config.schema.json)`,
    ]);
  });

  it("fails when the file is not JSON, naming the position", () => {
    expect(() => loadConfig(join(ROOT, "__tests__", "fixtures", "broken.json"))).toThrow(
      /broken\.json: 1 problem\n {2}- is not valid JSON at line 4, column 1 \(.+\)\. Fix: correct the JSON syntax there$/,
    );
  });

  it("fails when the file is missing, saying how to pick another", () => {
    expect(() => loadConfig("/nonexistent/llm.json")).toThrow(
      "/nonexistent/llm.json: 1 problem\n  - cannot read the file (ENOENT). Fix: pass an existing file with --config or LLM_API_CONFIG",
    );
  });

  it("picks the file from --config, then LLM_API_CONFIG, then the default", () => {
    expect(configFileFrom("a.json", { LLM_API_CONFIG: "b.json" }, "/w")).toBe("/w/a.json");
    expect(configFileFrom(undefined, { LLM_API_CONFIG: "b.json" }, "/w")).toBe("/w/b.json");
    expect(configFileFrom(undefined, {}, "/w")).toBe("/w/llm-api.config.json");
    expect(() => configFileFrom("", {}, "/w")).toThrow("--config needs a file");
  });
});

describe("lambda.streamTimeoutSeconds", () => {
  it("is 900 s by default when a model scales to zero, so a 780 s hold and the answer fit; 300 s otherwise", () => {
    const models = (autoscaling?: object) => [{ ...base().models[0], ...(autoscaling ? { autoscaling } : {}) }];
    expect(
      parseConfig({ ...base(), models: models({ minCapacity: 0, maxCapacity: 1, targetValue: 10 }) }).lambda
        .streamTimeoutSeconds,
    ).toBe(900);
    expect(parseConfig({ ...base(), models: models() }).lambda.streamTimeoutSeconds).toBe(300);
    expect(
      parseConfig({
        ...base(),
        lambda: { streamTimeoutSeconds: 850 },
        models: models({ minCapacity: 0, maxCapacity: 1, targetValue: 10 }),
      }).lambda.streamTimeoutSeconds,
    ).toBe(850);
  });
});

describe("JSON Schema", () => {
  it("is up to date with the config schema (run npm run schema after changing it)", () => {
    const { readFileSync } = require("node:fs");
    const { configJsonSchema } = require("../../config/json-schema");
    const committed = JSON.parse(readFileSync(join(ROOT, "schema", "llm-api.config.schema.json"), "utf8"));
    expect(committed).toEqual(configJsonSchema());
    expect(committed.properties.models.items.properties.huggingFace.properties.tokenSecretArn.pattern).toMatch(
      /secretsmanager/,
    );
  });
});

describe("models[].vision", () => {
  it("takes true or {httpsImages} on a TGI or vLLM model on an instance, and routes chat images to it", () => {
    const data = parseConfig({ ...base(), models: [{ ...base().models[0], vision: true }] });
    expect(modelRoute(data.models[0], "ep").vision).toBe("data");
    const https = parseConfig({
      ...base(),
      models: [{ ...base().models[0], server: "vllm", vision: { httpsImages: true } }],
    });
    expect(modelRoute(https.models[0], "ep").vision).toBe("https");
    expect(modelRoute(parseConfig(base()).models[0], "ep").vision).toBeUndefined();
  });

  it.each([
    [
      "serverless",
      (c: Base) =>
        Object.assign(c.models[0], { instance: undefined, serverless: { memorySizeMb: 6144 }, vision: true }),
    ],
    ["an embedding model", (c: Base) => Object.assign(c.models[0], { server: "tei", vision: true })],
    ["prompt-mode chat", (c: Base) => Object.assign(c.models[0], { chat: "prompt", vision: true })],
  ])("refuses it on %s, by field, with the fix", (_, mutate) => {
    expect(problems(mutate)).toContainEqual(
      expect.stringMatching(
        /^models\[0\]\.vision: takes images through the chat API of TGI or vLLM on an instance\. Fix:/,
      ),
    );
  });

  it("refuses httpsImages with networkIsolation: the container could not fetch them", () => {
    expect(
      problems((c) => Object.assign(c.models[0], { networkIsolation: true, vision: { httpsImages: true } })),
    ).toContainEqual(expect.stringMatching(/^models\[0\]\.vision\.httpsImages: needs the container to fetch images/));
  });
});
