import { parseConfig } from "../../config/load";

/** A one-model config for the local server tests, with overrides. */
export const localConfig = (over: Record<string, unknown> = {}) =>
  parseConfig({
    region: "us-east-1",
    models: [
      {
        name: "mistral-7b",
        huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
        instance: { type: "ml.g5.2xlarge" },
      },
    ],
    ...over,
  });

/** POST a JSON body. */
export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
