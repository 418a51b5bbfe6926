import { parseConfig } from "../../config/load";
import { containerSpec, tgiEnvironment } from "../../deployment/sagemaker/model-container";
import { DLC_ACCOUNTS, TGI_TAG, hfCpuImage, parseEcrImage, tgiImage } from "../../reference/images";
import { GPU_COUNT } from "../../reference/instance-types";

const model = (m: Record<string, unknown>) =>
  parseConfig({ region: "us-east-1", models: [{ name: "m", ...m }] }).models[0];
const specOf = (m: ReturnType<typeof model>, region: string) => containerSpec(m.source, m.capacity, region);

describe("serving containers", () => {
  it("sets SM_NUM_GPUS from the instance type, so TGI shards over every GPU", () => {
    const hf = { modelId: "tiiuae/falcon-7b-instruct", trustRemoteCode: false, fitCheck: true };
    expect(tgiEnvironment(hf, "ml.g5.2xlarge").SM_NUM_GPUS).toBe("1");
    expect(tgiEnvironment(hf, "ml.g5.12xlarge").SM_NUM_GPUS).toBe("4");
    expect(tgiEnvironment(hf, "ml.p4d.24xlarge").SM_NUM_GPUS).toBe("8");
    expect(Object.values(GPU_COUNT).every((n) => [1, 4, 8].includes(n))).toBe(true);
  });

  it("passes every TGI setting that is configured, and no others", () => {
    const env = tgiEnvironment(
      {
        modelId: "mistralai/Mistral-7B-Instruct-v0.2",
        revision: "abc123",
        quantize: "awq",
        trustRemoteCode: true,
        fitCheck: true,
        maxInputTokens: 3072,
        maxTotalTokens: 4096,
        maxBatchPrefillTokens: 8192,
      },
      "ml.g5.2xlarge",
    );
    expect(env).toEqual({
      HF_MODEL_ID: "mistralai/Mistral-7B-Instruct-v0.2",
      HF_MODEL_REVISION: "abc123",
      HF_MODEL_QUANTIZE: "awq",
      HF_MODEL_TRUST_REMOTE_CODE: "true",
      MAX_INPUT_TOKENS: "3072",
      MAX_TOTAL_TOKENS: "4096",
      MAX_BATCH_PREFILL_TOKENS: "8192",
      SM_NUM_GPUS: "1",
    });
  });

  it("serves a Hugging Face model on an instance with the pinned TGI image of the region", () => {
    const spec = specOf(
      model({
        huggingFace: { modelId: "a/b", tokenSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-AbC" },
        instance: { type: "ml.g5.xlarge" },
      }),
      "eu-south-1",
    );
    expect(spec.image!.uri).toBe(
      `692866216735.dkr.ecr.eu-south-1.amazonaws.com/huggingface-pytorch-tgi-inference:${TGI_TAG}`,
    );
    expect(spec.tokenSecretArn).toBe("arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-AbC");
    expect(Object.values(spec.environment).join(" ")).not.toContain("secretsmanager");
    expect(spec.environment.HF_TOKEN).toBeUndefined();
  });

  it.each([
    ["TGI", {}, "HF_MODEL_REVISION"],
    ["vLLM", { server: "vllm" }, "OPTION_REVISION"],
    ["TEI", { server: "tei" }, "HF_MODEL_REVISION"],
  ])(
    "on %s, loads weights from an S3 prefix: SageMaker's copy in /opt/ml/model, the Hub never called",
    (_server, extra, revisionVariable) => {
      const hub = specOf(
        model({ ...extra, huggingFace: { modelId: "a/b", revision: "abc" }, instance: { type: "ml.g5.xlarge" } }),
        "us-east-1",
      );
      expect(hub.environment).toMatchObject({ HF_MODEL_ID: "a/b", [revisionVariable]: "abc" });
      const s3 = specOf(
        model({
          ...extra,
          huggingFace: { modelId: "a/b", weightsS3Uri: "s3://models/a-b/" },
          instance: { type: "ml.g5.xlarge" },
        }),
        "us-east-1",
      );
      expect(s3.modelDataPrefix).toBe("s3://models/a-b/");
      expect(s3.environment).toMatchObject({ HF_MODEL_ID: "/opt/ml/model", HF_HUB_OFFLINE: "1" });
      expect(s3.environment[revisionVariable]).toBeUndefined();
      expect(hub.modelDataPrefix).toBeUndefined();
    },
  );

  it("serves a Hugging Face model on serverless with the CPU toolkit image, since TGI needs a GPU", () => {
    const spec = specOf(
      model({ huggingFace: { modelId: "Qwen/Qwen2.5-0.5B-Instruct" }, serverless: { memorySizeMb: 6144 } }),
      "us-east-1",
    );
    expect(spec.image).toEqual(hfCpuImage("us-east-1"));
    expect(spec.environment).toEqual({ HF_MODEL_ID: "Qwen/Qwen2.5-0.5B-Instruct", HF_TASK: "text-generation" });
    expect(spec.tokenVariable).toBe("HF_API_TOKEN");
  });

  it("on vLLM, names a quantization only when it happens on load (fp8): AWQ and GPTQ checkpoints say so themselves", () => {
    const lmi = (quantize: string) =>
      specOf(
        model({ server: "vllm", huggingFace: { modelId: "a/b", quantize }, instance: { type: "ml.g5.xlarge" } }),
        "us-east-1",
      ).environment;
    expect(lmi("fp8").OPTION_QUANTIZE).toBe("fp8");
    expect(lmi("awq").OPTION_QUANTIZE).toBeUndefined();
    expect(lmi("gptq").OPTION_QUANTIZE).toBeUndefined();
    expect(lmi("awq")).toMatchObject({
      OPTION_ASYNC_MODE: "true",
      OPTION_ROLLING_BATCH: "disable",
      OPTION_ENTRYPOINT: "djl_python.lmi_vllm.vllm_async_service",
    });
  });

  it("on serverless, names settings as the CPU inference toolkit reads them: HF_TRUST_REMOTE_CODE, and the token in HF_API_TOKEN", () => {
    const spec = specOf(
      model({ huggingFace: { modelId: "a/b", trustRemoteCode: true }, serverless: { memorySizeMb: 6144 } }),
      "us-east-1",
    );
    expect(spec.environment).toEqual({ HF_MODEL_ID: "a/b", HF_TASK: "text-generation", HF_TRUST_REMOTE_CODE: "true" });
    expect(spec.tokenVariable).toBe("HF_API_TOKEN");
    const onInstance = specOf(
      model({ huggingFace: { modelId: "a/b", trustRemoteCode: true }, instance: { type: "ml.g5.xlarge" } }),
      "us-east-1",
    );
    expect([onInstance.environment.HF_MODEL_TRUST_REMOTE_CODE, onInstance.tokenVariable]).toEqual(["true", "HF_TOKEN"]);
  });

  it("serves an embedding model with Text Embeddings Inference: the GPU image on a GPU instance, the CPU image elsewhere", () => {
    const tei = (capacity: Record<string, unknown>) =>
      specOf(
        model({ server: "tei", huggingFace: { modelId: "BAAI/bge-small-en-v1.5", revision: "r1" }, ...capacity }),
        "eu-west-1",
      );
    expect(tei({ instance: { type: "ml.g5.xlarge" } }).image!.uri).toBe(
      "141502667606.dkr.ecr.eu-west-1.amazonaws.com/tei:2.0.1-tei1.8.2-gpu-py310-cu122-ubuntu22.04",
    );
    expect(tei({ instance: { type: "ml.c6i.xlarge" } }).image!.uri).toBe(
      "141502667606.dkr.ecr.eu-west-1.amazonaws.com/tei-cpu:2.0.1-tei1.7.0-cpu-py310-ubuntu22.04",
    );
    const serverless = tei({ serverless: { memorySizeMb: 3072 } });
    expect([serverless.image!.repository, serverless.environment, serverless.tokenVariable]).toEqual([
      "tei-cpu",
      { HF_MODEL_ID: "BAAI/bge-small-en-v1.5", HF_MODEL_REVISION: "r1" },
      "HF_TOKEN",
    ]);
  });

  it("runs a custom image with its S3 model data and environment, or a model package as is", () => {
    const custom = specOf(
      model({
        custom: {
          image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-llm:1.0",
          modelDataUrl: "s3://bucket/model.tar.gz",
          environment: { A: "1" },
        },
        instance: { type: "ml.g5.xlarge" },
      }),
      "us-east-1",
    );
    expect(custom).toEqual({
      image: parseEcrImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/my-llm:1.0"),
      modelDataUrl: "s3://bucket/model.tar.gz",
      environment: { A: "1" },
      tokenVariable: "HF_TOKEN",
    });
    const pkg = specOf(
      model({
        modelPackageArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/3",
        instance: { type: "ml.g5.xlarge" },
      }),
      "us-east-1",
    );
    expect(pkg).toEqual({
      modelPackageName: "arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/3",
      environment: {},
      tokenVariable: "HF_TOKEN",
    });
  });

  it("uses the China domain in China regions and fails with the fix for a region it does not know", () => {
    expect(tgiImage("cn-north-1").uri.startsWith("727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/")).toBe(true);
    expect(() => tgiImage("xx-none-1")).toThrow(/region "xx-none-1" has no Hugging Face serving image.*Fix:/);
    expect(Object.keys(DLC_ACCOUNTS)).toContain("us-east-1");
  });
});
