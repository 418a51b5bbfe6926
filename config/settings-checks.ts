import { num, obj, type Issue } from "./loose";
import { defaultStreamTimeoutSeconds } from "./scale-to-zero";

/** Cross-field rules of the settings beside the models: stages, the API, alarms and the functions' timeouts. */

type Entry = Record<string, unknown>;

/** Every model and adopted endpoint has a name of its own: it is the API's path and the OpenAI model. */
export function checkUniqueNames(models: readonly Entry[], existing: readonly Entry[], issue: Issue): void {
  const seen = new Map<string, string>();
  const named = [
    ...models.map((m, i) => ({ name: m.name, group: "models", i })),
    ...existing.map((e, i) => ({ name: e.name, group: "existingEndpoints", i })),
  ];
  for (const { name, group, i } of named) {
    if (typeof name !== "string") continue;
    const first = seen.get(name);
    if (first) issue([group, i, "name"], `"${name}" is already used by ${first}. Fix: give every model a unique name`);
    else seen.set(name, `${group}[${i}]`);
  }
}

export function checkSettings(config: Entry, models: readonly Entry[], issue: Issue): void {
  if (Array.isArray(config.stages) && new Set(config.stages).size !== config.stages.length) {
    issue(["stages"], "a stage is listed twice. Fix: list each stage once");
  }

  if (obj(obj(config.api)?.domain) && Array.isArray(config.stages) && config.stages.length > 1) {
    issue(
      ["api", "domain"],
      "one custom domain cannot belong to several stage stacks. Fix: use one config per stage, each with its own domain",
    );
  }

  const alarmSettings = obj(config.alarms);
  if (alarmSettings?.topicArn !== undefined && alarmSettings?.email !== undefined) {
    issue(["alarms"], "both topicArn and email are set. Fix: keep one: email creates a topic, topicArn uses yours");
  }

  const lambdaSettings = obj(config.lambda);
  const firstToken = num(lambdaSettings?.firstTokenTimeoutSeconds);
  const streamTimeout = num(lambdaSettings?.streamTimeoutSeconds) ?? defaultStreamTimeoutSeconds(models);
  if (firstToken !== undefined && firstToken >= streamTimeout) {
    issue(
      ["lambda", "firstTokenTimeoutSeconds"],
      `${firstToken} s is not shorter than lambda.streamTimeoutSeconds (${streamTimeout} s), so it could never apply. Fix: lower it, or raise streamTimeoutSeconds`,
    );
  }

  const api = obj(config.api);
  if (api?.auth === "none" && api.allowUnauthenticated !== true) {
    issue(
      ["api", "auth"],
      '"none" makes the API public. Fix: use "apiKey" or "iam", or also set api.allowUnauthenticated to true',
    );
  }
  if (api && api.auth !== "apiKey" && api.quota !== undefined) {
    issue(["api", "quota"], 'quotas apply per API key. Fix: remove api.quota or use auth "apiKey"');
  }
}
