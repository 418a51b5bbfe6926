import type { ExistingEndpointConfig, ModelConfig } from "../config/schema";
import type { ModelRoute } from "../functions/lib/models";

/**
 * How the handlers talk to each model. TGI (a Hugging Face model on an
 * instance) has its own chat API and streams; the serverless CPU image, custom
 * images and model packages get chat as a prompt, and only TGI is known to stream.
 * Adopted endpoints are assumed to be TGI behind the generate API.
 */
export function modelRoute(model: ModelConfig, endpoint: string): ModelRoute {
  const tgi = model.huggingFace !== undefined && model.instance !== undefined;
  return { endpoint, chat: tgi ? "messages" : "prompt", stream: tgi };
}

export function existingEndpointRoute(existing: ExistingEndpointConfig): ModelRoute {
  return { endpoint: existing.endpointName, chat: "prompt", stream: true };
}
