import type { Config } from "../config/schema";
import { resourceNames } from "./names";
import { buildOpenApiDocument } from "./openapi";

/** Names of the models the API serves, in route order: managed models, then adopted endpoints. */
export const servedModels = (config: Config): string[] => [...config.models.map((m) => m.name), ...config.existingEndpoints.map((e) => e.name)];

/**
 * The API document with placeholder integrations (`<prefix>:invoke`, `:stream`,
 * `:chat`): what the local server routes by and the public document is cut from.
 */
export function placeholderDocument(config: Config, stage: string, prefix: string): Record<string, unknown> {
  return buildOpenApiDocument({
    title: resourceNames(config.project, stage).api,
    auth: config.api.auth,
    // Direct integrations have no /stream route; everything else runs the handlers here.
    models: servedModels(config).map((model) =>
      config.models.find((m) => m.name === model)?.integration === "direct"
        ? { model, invokeUri: `${prefix}:invoke` }
        : { model, invokeUri: `${prefix}:invoke`, streamUri: `${prefix}:stream` },
    ),
    chatUri: `${prefix}:chat`,
    authorizerUri: `${prefix}:authorizer`,
    corsOrigins: config.api.corsOrigins,
  });
}
