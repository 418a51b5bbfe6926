import type { ExistingEndpointConfig, ModelConfig } from "../../config/schema";
import type { ModelRoute } from "../../contract/routes";
import type { DirectAnswer } from "../openapi/api-routes";

/**
 * How the handlers talk to each model. TGI and LMI/vLLM (a Hugging Face model
 * on an instance) have their own chat API and stream (LMI in JSON lines); the serverless CPU image, custom
 * images and model packages get chat as a prompt, and only TGI is known to stream.
 * Adopted endpoints are assumed to be TGI behind the generate API.
 */
export function modelRoute(model: ModelConfig, endpoint: string): ModelRoute {
  const route = routeOf(model, endpoint);
  return {
    ...route,
    ...(model.chat && route.task !== "embedding" ? { chat: model.chat } : {}),
    ...(model.customAttributes ? { customAttributes: model.customAttributes } : {}),
    ...(model.vision ? { vision: model.vision.httpsImages ? ("https" as const) : ("data" as const) } : {}),
  };
}

function routeOf(model: ModelConfig, endpoint: string): ModelRoute {
  const { source, capacity } = model;
  if (source.kind === "huggingFace" && source.server === "tei")
    return { endpoint, chat: "prompt", stream: false, task: "embedding" };
  const served = source.kind === "huggingFace" && capacity.kind === "instance";
  const lmi = served && source.server === "vllm";
  return {
    endpoint,
    chat: served ? "messages" : "prompt",
    stream: served,
    ...(lmi ? { server: "lmi" as const } : {}),
    ...(lmi && source.toolCallParser ? { autoTools: true } : {}),
    ...(served && source.maxTotalTokens !== undefined ? { contextTokens: source.maxTotalTokens } : {}),
  };
}

export function existingEndpointRoute(existing: ExistingEndpointConfig): ModelRoute {
  return {
    endpoint: existing.endpointName,
    chat: "prompt",
    stream: true,
    ...(existing.customAttributes ? { customAttributes: existing.customAttributes } : {}),
  };
}

/** Only the known containers get their answer mapped to {generated_text}; a model package's or custom image's passes through. */
export function directAnswerOf(m: ModelConfig): DirectAnswer {
  if (m.source.kind !== "huggingFace") return "passthrough";
  return m.source.server === "vllm" ? "object" : "list";
}
