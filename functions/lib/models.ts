import { HttpError } from "./errors";

/** How a handler reaches one configured model; set by the stack as JSON in MODELS. */
export interface ModelRoute {
  readonly endpoint: string;
  /** "messages": TGI's own chat API; "prompt": chat rendered into a prompt for the generate API. */
  readonly chat: "messages" | "prompt";
  /** Whether the endpoint supports InvokeEndpointWithResponseStream (serverless endpoints do not). */
  readonly stream: boolean;
  /** Stream format of the serving container: TGI's SSE (also the default) or LMI's JSON lines. */
  readonly server?: "tgi" | "lmi";
}

export type ModelRoutes = Readonly<Record<string, ModelRoute>>;

export function modelRoutes(env: NodeJS.ProcessEnv = process.env): ModelRoutes {
  return Object.freeze(JSON.parse(env.MODELS || "{}") as Record<string, ModelRoute>);
}

export function routeFor(routes: ModelRoutes, model: string): ModelRoute {
  const route = Object.prototype.hasOwnProperty.call(routes, model) ? routes[model] : undefined;
  if (!route) throw new HttpError(404, "model_not_found", `No model named "${model}". Available: ${Object.keys(routes).join(", ") || "none"}.`, "model");
  return route;
}
