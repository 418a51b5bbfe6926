import type { JsonObject } from "../../contract/json";
import { CONTRACT_SCHEMAS } from "./gateway-document";

/**
 * The OpenAPI document clients see: the deployed one without API Gateway's
 * own extensions and CORS preflights, with a server URL to fill in. Same
 * builder, so SDKs generated from it have exactly the deployed routes, with
 * the request schemas in full (the gateway checks only part of them; the
 * handlers check the rest).
 */
export function publicDocument(deployed: Record<string, unknown>, stage: string): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !key.startsWith("x-amazon-apigateway"))
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  const document = strip(deployed) as JsonObject;
  for (const item of Object.values(document.paths as Record<string, Record<string, unknown>>)) delete item.options;
  return {
    ...document,
    components: { ...document.components, schemas: CONTRACT_SCHEMAS },
    servers: [
      {
        url: "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}",
        description: "The deployed stage (the invoke_url output), or a custom domain",
        variables: { apiId: { default: "your-api-id" }, region: { default: "us-east-1" }, stage: { default: stage } },
      },
    ],
  };
}
