import { gatewayDocument } from "./gateway-document";
import type { Deployment } from "../resolve";

/**
 * The API document with placeholder integrations (`<prefix>:invoke`, `:stream`,
 * `:openai`): what the local server routes by and the public document is cut from.
 */
export function placeholderDocument(deployment: Deployment, prefix: string): Record<string, unknown> {
  const { api, names } = deployment;
  return gatewayDocument({
    title: names.api,
    auth: api.auth,
    // Direct integrations have no /stream route; everything else runs the handlers here.
    models: deployment.models
      .filter((m) => m.integration.kind !== "shared")
      .map((m) =>
        m.integration.kind === "direct"
          ? { model: m.name, invokeUri: `${prefix}:invoke` }
          : {
              model: m.name,
              invokeUri: `${prefix}:invoke`,
              streamUri: `${prefix}:stream`,
              ...(m.integration.kind === "lambda" && m.integration.requestSchema !== undefined ? { requestSchema: m.integration.requestSchema } : {}),
            },
      ),
    openaiUri: `${prefix}:openai`,
    authorizerUri: `${prefix}:authorizer`,
    corsOrigins: api.corsOrigins,
  });
}
