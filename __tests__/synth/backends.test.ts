import { join } from "node:path";
import { LMI_TAG, TGI_TAG } from "../../reference/images";
import { functionModels, resources, ROOT, synth } from "../helpers/synth";

describe("serving backends", () => {
  const api = () => synth(join(ROOT, "examples", "backends.json")).stacks["llm-api-v1"];

  it("runs the TGI model on the TGI image and the vLLM model on the LMI image, each with its own settings", () => {
    const containers = Object.fromEntries(
      resources(api(), "aws_sagemaker_model").map((m) => [
        m.values.name.replace(/-[0-9a-f]{8}$/, ""),
        m.values.primary_container,
      ]),
    );
    expect(containers["llm-api-v1-mistral-tgi"]).toEqual({
      image: `763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-tgi-inference:${TGI_TAG}`,
      environment: {
        HF_MODEL_ID: "mistralai/Mistral-7B-Instruct-v0.2",
        SM_NUM_GPUS: "1",
        MAX_INPUT_TOKENS: "3072",
        MAX_TOTAL_TOKENS: "4096",
      },
    });
    expect(containers["llm-api-v1-qwen-vllm"]).toEqual({
      image: `763104351884.dkr.ecr.us-west-2.amazonaws.com/djl-inference:${LMI_TAG}`,
      // ml.g5.12xlarge has 4 GPUs: the model is split over all of them. vLLM in LMI's async mode;
      // the AWQ checkpoint names its method itself, so OPTION_QUANTIZE stays unset (fast kernels).
      environment: {
        HF_MODEL_ID: "Qwen/Qwen2.5-14B-Instruct-AWQ",
        OPTION_ASYNC_MODE: "true",
        OPTION_ROLLING_BATCH: "disable",
        OPTION_ENTRYPOINT: "djl_python.lmi_vllm.vllm_async_service",
        SERVING_FAIL_FAST: "true",
        TENSOR_PARALLEL_DEGREE: "4",
        OPTION_MAX_MODEL_LEN: "8192",
      },
    });
  });

  it("tells the handlers which stream format each model speaks", () => {
    const chat = resources(api(), "aws_lambda_function").find((f) => f.values.function_name === "llm-api-v1-chat")!;
    expect(chat.values.environment.variables.MODELS).toBeUndefined();
    expect(functionModels(chat.values)).toEqual({
      // contextTokens from maxTotalTokens: the local emulator refuses budgets past it as TGI and vLLM do.
      "mistral-tgi": { endpoint: "llm-api-v1-mistral-tgi", chat: "messages", stream: true, contextTokens: 4096 },
      "qwen-vllm": {
        endpoint: "llm-api-v1-qwen-vllm",
        chat: "messages",
        stream: true,
        server: "lmi",
        contextTokens: 8192,
      },
    });
  });

  it("lets the vLLM model's role pull only the LMI repository", () => {
    const policy = resources(api(), "aws_iam_role_policy").find((p) => p.values.policy.includes("djl-inference"))!;
    expect(policy.values.policy).toContain(":763104351884:repository/djl-inference");
    expect(policy.values.policy).not.toContain("huggingface-pytorch-tgi-inference");
  });
});
