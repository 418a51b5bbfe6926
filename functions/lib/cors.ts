import { handlerSettings } from "./settings";
import { BUDGET_REMAINING_HEADER } from "../../contract/budget";

/**
 * CORS for browsers calling a deployed stage (api.corsOrigins). The allowed
 * origin is echoed only when it is on the list, so other sites cannot read answers.
 */
/** Headers a page may read besides the safelisted ones: the request id, what was left out, when to retry, the budget left. */
const EXPOSED = {
  "access-control-expose-headers": `x-request-id, x-ignored-tools, retry-after, ${BUDGET_REMAINING_HEADER}`,
};

export function corsHeaders(headers: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const allowed = handlerSettings().corsOrigins;
  if (allowed.length === 0) return {};
  const origin = headers?.origin ?? headers?.Origin;
  if (allowed.includes("*")) return { "access-control-allow-origin": "*", ...EXPOSED };
  // The answer depends on the Origin whether or not it is listed: caches must know, or one could
  // hand a listed origin's answer to another site, or an unlisted one's to a listed site.
  if (!origin || !allowed.includes(origin)) return { vary: "origin" };
  return { "access-control-allow-origin": origin, vary: "origin", ...EXPOSED };
}
