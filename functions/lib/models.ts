import { HttpError } from "./errors";
import type { ModelRoute } from "../../contract/routes";

export type { ModelRoute };

export type ModelRoutes = Readonly<Record<string, ModelRoute>>;

export function routeFor(routes: ModelRoutes, model: string): ModelRoute {
  const route = Object.prototype.hasOwnProperty.call(routes, model) ? routes[model] : undefined;
  if (!route) throw new HttpError(404, "model_not_found", `No model named "${model}". Available: ${Object.keys(routes).join(", ") || "none"}.`, "model");
  return route;
}
