import { num, obj, type Issue } from "./loose";

type Loose = Record<string, unknown>;

const list = (v: unknown): Loose[] => (Array.isArray(v) ? v.filter((x): x is Loose => obj(x) !== undefined) : []);

/**
 * Whether a request to the model has a bound the function can reserve before calling it: an
 * embedding model answers no tokens, and a Hugging Face model on an instance stops at its
 * maxTotalTokens. Any other may answer as long as its server lets it, which no config says.
 */
function boundOf(m: Loose): "embedding" | "context" | undefined {
  if (m.server === "tei") return "embedding";
  const onInstance = m.instance !== undefined || m.placement !== undefined;
  return obj(m.huggingFace) && onInstance && num(obj(m.huggingFace)?.maxTotalTokens) !== undefined
    ? "context"
    : undefined;
}

/**
 * Budgets: per-model budgets name models the consumer may call, within its total; and every model
 * a consumer with a budget may call has a bound, so a request that names no max_tokens can still be
 * reserved in full before it reaches the model.
 */
export function checkBudgets(config: Loose, issue: Issue): void {
  const models = list(config.models);
  const adopted = list(config.existingEndpoints).map((e) => String(e.name));
  const all = [...models.map((m) => String(m.name)), ...adopted];
  list(obj(config.api)?.consumers).forEach((c, i) => {
    const budget = obj(c.budget);
    if (!budget) return;
    const at = ["api", "consumers", i, "budget"];
    const reachable = Array.isArray(c.models) ? c.models.map(String) : all;
    const total = num(budget.tokens);
    for (const [model, tokens] of Object.entries(obj(budget.models) ?? {})) {
      if (!reachable.includes(model))
        issue(
          [...at, "models", model],
          `"${model}" is not a model this consumer may call. Fix: use one of ${reachable.join(", ")}`,
        );
      else if (total !== undefined && typeof tokens === "number" && tokens > total)
        issue(
          [...at, "models", model],
          `${tokens} is more than the consumer's total of ${total} tokens. Fix: lower it, or raise budget.tokens`,
        );
    }
    for (const name of reachable) {
      const j = models.findIndex((m) => m.name === name);
      if (j >= 0 && boundOf(models[j])) continue;
      const fix =
        j >= 0
          ? `set models[${j}].huggingFace.maxTotalTokens (served on an instance), or leave "${name}" out of api.consumers[${i}].models`
          : `leave "${name}" out of api.consumers[${i}].models (an adopted endpoint's context is unknown)`;
      issue(
        at,
        `the consumer may call "${name}", whose context the config does not give, so a request without max_tokens cannot be reserved before it runs. Fix: ${fix}`,
      );
    }
  });
}
