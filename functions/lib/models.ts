import { HttpError, echo } from "./errors";
import type { ModelRoute } from "../../contract/routes";

export type { ModelRoute };

export type ModelRoutes = Readonly<Record<string, ModelRoute>>;

/** The models a caller may know of: its own with per-consumer keys, else all. */
const visible = (
  routes: ModelRoutes,
  allowed?: ReadonlySet<string>,
  keep: (route: ModelRoute) => boolean = () => true,
) => Object.keys(routes).filter((name) => (!allowed || allowed.has(name)) && keep(routes[name]));

export function routeFor(routes: ModelRoutes, model: string, allowed?: ReadonlySet<string>): ModelRoute {
  const route = Object.prototype.hasOwnProperty.call(routes, model) ? routes[model] : undefined;
  if (!route)
    throw new HttpError(
      404,
      "model_not_found",
      `No model named "${echo(model)}". Available: ${visible(routes, allowed).join(", ") || "none"}.`,
      "model",
    );
  return route;
}

/** A model that chats: not an embedding model, and not one deployed without chat. */
export function chatRoute(routes: ModelRoutes, model: string): ModelRoute {
  const route = generationRoute(routes, model);
  if (route.chat === "none")
    throw new HttpError(
      400,
      "invalid_request",
      `"${echo(model)}" is deployed without chat (models[].chat "none"): use POST /v1/completions or /${model}/invoke.`,
      "model",
    );
  return route;
}

/** A model that generates text; an embedding model is pointed to /v1/embeddings. */
export function generationRoute(routes: ModelRoutes, model: string): ModelRoute {
  const route = routeFor(routes, model);
  if (route.task === "embedding")
    throw new HttpError(
      400,
      "invalid_request",
      `"${echo(model)}" is an embedding model: it answers POST /v1/embeddings, not text generation.`,
      "model",
    );
  return route;
}

/** An embedding model; a text model is refused, naming the embedding models there are. */
export function embeddingRoute(routes: ModelRoutes, model: string, allowed?: ReadonlySet<string>): ModelRoute {
  const route = routeFor(routes, model, allowed);
  if (route.task !== "embedding") {
    const embedders = visible(routes, allowed, (r) => r.task === "embedding");
    throw new HttpError(
      400,
      "invalid_request",
      `"${echo(model)}" generates text and has no embeddings. Embedding models here: ${embedders.join(", ") || "none"}.`,
      "model",
    );
  }
  return route;
}

/** An event with the authorizer's context, as API Gateway passes it to the handlers. */
type AuthorizedEvent = { readonly requestContext?: { readonly authorizer?: Record<string, unknown> | null } | null };

/** The models the caller's key may call, from the authorizer's context; undefined when keys are not per consumer. */
export function allowedModels(event: AuthorizedEvent): ReadonlySet<string> | undefined {
  const models = event.requestContext?.authorizer?.models;
  if (typeof models !== "string") return undefined;
  try {
    return new Set(JSON.parse(models) as string[]);
  } catch {
    return new Set();
  }
}

/** 403 in OpenAI's shape when the caller's key may not call the model. */
export function checkAccess(allowed: ReadonlySet<string> | undefined, model: string): void {
  if (allowed && !allowed.has(model))
    throw new HttpError(403, "permission_denied", `This API key may not call the model "${echo(model)}".`, "model");
}

/** The consumer of the caller's key, from the authorizer's context; undefined without consumers. */
export function consumerOf(event: AuthorizedEvent): string | undefined {
  const consumer = event.requestContext?.authorizer?.consumer;
  return typeof consumer === "string" ? consumer : undefined;
}
