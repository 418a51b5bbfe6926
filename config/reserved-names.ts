import { CHAT_PATH } from "../contract/routes";
import { obj, type Issue } from "./loose";

/**
 * Names that cannot be a model's or a consumer's:
 * - the OpenAI routes' first path segment (v1): a model named so would get /v1/invoke, which the
 *   authorizer allows to every key as one of the OpenAI routes;
 * - the names every JavaScript object already has (constructor, ...): not safe as construct ids or
 *   as keys of the handlers' tables;
 * - unknown: the authorizer's label for a key it does not know, in logs and metrics.
 */
export const OPENAI_PREFIX = CHAT_PATH.split("/")[1];
const OBJECT_NAMES = Object.getOwnPropertyNames(Object.prototype);
export const RESERVED_MODEL_NAMES: readonly string[] = [OPENAI_PREFIX, ...OBJECT_NAMES];
export const RESERVED_CONSUMER_NAMES: readonly string[] = ["unknown", ...OBJECT_NAMES];
/**
 * Stage names whose stack would be one of the project's own: <project>-ci holds the CI roles and
 * <project>-state the state bucket. A stage named so would share that stack's name and state key,
 * and its deploy role would write what only an administrator may.
 */
export const RESERVED_STAGE_NAMES: readonly string[] = ["ci", "state"];

export function checkReservedNames(config: Record<string, unknown>, issue: Issue): void {
  const check = (path: (string | number)[], name: unknown, reserved: readonly string[], what: string) => {
    if (typeof name !== "string" || !reserved.includes(name)) return;
    const why =
      name === OPENAI_PREFIX
        ? `it is the OpenAI routes' prefix (/${OPENAI_PREFIX}/...)`
        : name === "unknown"
          ? "it names unknown keys"
          : "it is a name every JavaScript object has";
    issue(
      path,
      `"${name}" is reserved: ${why}. Fix: give the ${what} another name, e.g. "${what === "model" ? "mistral-7b" : "search-team"}"`,
    );
  };
  const names = (entries: unknown) => (Array.isArray(entries) ? entries.map((e) => obj(e)?.name) : []);
  names(config.models).forEach((name, i) => check(["models", i, "name"], name, RESERVED_MODEL_NAMES, "model"));
  names(config.existingEndpoints).forEach((name, i) =>
    check(["existingEndpoints", i, "name"], name, RESERVED_MODEL_NAMES, "model"),
  );
  names(obj(config.api)?.consumers).forEach((name, i) =>
    check(["api", "consumers", i, "name"], name, RESERVED_CONSUMER_NAMES, "consumer"),
  );
  const stage = (path: (string | number)[], name: unknown) => {
    if (typeof name === "string" && RESERVED_STAGE_NAMES.includes(name))
      issue(
        path,
        `"${name}" is reserved: the project's ${name} stack is <project>-${name}, and a stage of that name would share its stack and state. Fix: e.g. "prod"`,
      );
  };
  stage(["stage"], config.stage);
  if (Array.isArray(config.stages)) config.stages.forEach((name, i) => stage(["stages", i], name));
}
