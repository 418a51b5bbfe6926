import { readFileSync } from "node:fs";
import { loadConfig, parseConfig } from "../../config/load";
import { exactNamesOf } from "../../deployment/iam/exact-names";
import { resolveStages } from "../../deployment/resolve";
import type { Config } from "../../config/schema";
import { relative } from "node:path";
import { resources, ROOT, SHIPPED_CONFIGS, synth } from "../helpers/synth";

/**
 * The deploy role creates only the names exactNamesOf lists: every name a stage stack gives a
 * function, log group, endpoint, alarm, topic or key-table secret must be on that list, or the first
 * deploy of it fails with AccessDenied. Checked against the synthesised stacks, not against resolve.
 */
const KINDS: Record<string, [type: string, attribute: string, list: keyof ReturnType<typeof exactNamesOf>]> = {
  functions: ["aws_lambda_function", "function_name", "functions"],
  "log groups": ["aws_cloudwatch_log_group", "name", "logGroups"],
  endpoints: ["aws_sagemaker_endpoint", "name", "endpoints"],
  alarms: ["aws_cloudwatch_metric_alarm", "alarm_name", "alarms"],
  topics: ["aws_sns_topic", "name", "topics"],
  secrets: ["aws_secretsmanager_secret", "name", "secrets"],
};

/** IAM's wildcards: `?` one character, `*` any. */
const matches = (pattern: string, name: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\?/g, ".")
      .replace(/\*/g, ".*")}$`,
  ).test(name);

function unlisted(config: Config): string[] {
  const exact = exactNamesOf(resolveStages(config));
  const { stacks } = synth(config);
  return Object.entries(stacks)
    .filter(([name]) => !/-(ci|state)$/.test(name))
    .flatMap(([, stack]) =>
      Object.entries(KINDS).flatMap(([kind, [type, attribute, list]]) =>
        resources(stack, type)
          .map((r) => String(r.values[attribute]))
          .filter((name) => !exact[list].some((pattern) => matches(pattern, name)))
          .map((name) => `${kind}: ${name}`),
      ),
    );
}

const shipped = (file: string) => JSON.parse(readFileSync(file, "utf8"));

describe("the names the deploy role may create", () => {
  it.each(SHIPPED_CONFIGS.map((file) => [relative(ROOT, file), file]))(
    "hold every name the stage stacks of %s create",
    (_, file) => {
      expect(unlisted(loadConfig(file))).toEqual([]);
    },
  );

  it("hold the alarm topic the stack makes for an email while alarms are off", () => {
    const config = parseConfig({
      ...shipped(SHIPPED_CONFIGS[0]),
      alarms: { enabled: false, email: "ops@example.com" },
    });
    expect(unlisted(config)).toEqual([]);
  });
});
