import { parseTemplateJson, resources, synth, testConfig } from "../helpers/synth";
import type { ConfigInput } from "../../config/schema";
import { resolveStage } from "../../deployment/resolve";

/**
 * What a stage with models that scale to zero needs to hold their requests while they wake: the
 * wake-up backstop of exactly one copy, the functions' permission to wake their own components and
 * count held requests in the stage table, and that table; a stage without such models gets none.
 */
const idle = (name: string) => ({
  name,
  huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
  instance: { type: "ml.g6e.xlarge" },
  autoscaling: { minCapacity: 0, maxCapacity: 1, targetValue: 10 },
});
const warm = {
  name: "warm",
  huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
  instance: { type: "ml.g5.2xlarge" },
};
const stage = (models: ConfigInput["models"]) => synth(testConfig({ models })).stacks["llm-api-v1"];

/** A function's role policy statements, by the function's name. */
function policiesByFunction(stack: ReturnType<typeof stage>): Record<string, any[]> {
  const roleOfPolicy = Object.fromEntries(
    resources(stack, "aws_iam_role_policy").map((p) => [
      String(p.values.role).match(/aws_iam_role\.([^.]+)\./)![1],
      p.values,
    ]),
  );
  return Object.fromEntries(
    resources(stack, "aws_lambda_function").map((f) => {
      const role = String(f.values.role).match(/aws_iam_role\.([^.]+)\./)![1];
      return [f.values.function_name, parseTemplateJson(roleOfPolicy[role].policy).Statement];
    }),
  );
}

describe("a stage with models that scale to zero", () => {
  const models = [idle("sleepy"), idle("dozy"), warm];
  const stack = stage(models);
  const components = resolveStage(testConfig({ models }), "v1").models.flatMap((m) =>
    m.hosting.kind === "scale-to-zero" || m.hosting.kind === "placed" ? [m.hosting.component.name] : [],
  );

  it("backs the handlers' own wake with an alarm that sets exactly one copy, and goes back to OK without refusals", () => {
    const wakes = resources(stack, "aws_appautoscaling_policy").filter((p) => p.values.policy_type === "StepScaling");
    expect(wakes.map((w) => w.values.step_scaling_policy_configuration)).toEqual(
      Array(2).fill({
        adjustment_type: "ExactCapacity",
        metric_aggregation_type: "Maximum",
        cooldown: 60,
        step_adjustment: [{ metric_interval_lower_bound: "0", scaling_adjustment: 1 }],
      }),
    );
    const alarms = resources(stack, "aws_cloudwatch_metric_alarm").filter(
      (a) => a.values.metric_name === "NoCapacityInvocationFailures",
    );
    expect(alarms.map((a) => a.values.treat_missing_data)).toEqual(["notBreaching", "notBreaching"]);
  });

  it("lets each function wake only its own models' components, and count held requests only on the hold partition of the stage table", () => {
    expect(components).toHaveLength(2);
    const policies = policiesByFunction(stack);
    const wakeOf = (name: string) => policies[name].find((s) => s.Sid === "WakeOwnComponents");
    const countOf = (name: string) => policies[name].find((s) => s.Sid === "CountHeldRequests");
    const own = (model: string) =>
      components
        .filter((c) => c.startsWith(`llm-api-v1-${model}-`))
        .map((c) => expect.stringMatching(new RegExp(`:inference-component/${c}$`)));
    for (const model of ["sleepy", "dozy"])
      for (const kind of ["fn", "st"].map((k) => `llm-api-v1-${model}-${k === "fn" ? "invoke" : "stream"}`)) {
        expect([kind, wakeOf(kind)]).toEqual([
          kind,
          {
            Sid: "WakeOwnComponents",
            Effect: "Allow",
            Action: ["sagemaker:DescribeInferenceComponent", "sagemaker:UpdateInferenceComponentRuntimeConfig"],
            Resource: own(model),
          },
        ]);
        expect(countOf(kind)).toEqual({
          Sid: "CountHeldRequests",
          Effect: "Allow",
          Action: "dynamodb:UpdateItem",
          Resource: expect.stringMatching(/:dynamodb:us-east-1:.+:table\/llm-api-v1-state$/),
          Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["hold"] } },
        });
      }
    // The OpenAI function calls every model: it may wake both components, and nothing of the warm model's.
    expect(wakeOf("llm-api-v1-chat").Resource).toEqual([...own("sleepy"), ...own("dozy")]);
    for (const name of ["llm-api-v1-warm-invoke", "llm-api-v1-warm-stream", "llm-api-v1-authorizer"])
      expect([name, wakeOf(name), countOf(name)]).toEqual([name, undefined, undefined]);
  });

  it("creates the stage table: on demand, keyed pk and sk, with point-in-time recovery and expiring items", () => {
    const tables = resources(stack, "aws_dynamodb_table");
    expect(tables.map(({ values: { "//": _, ...table } }) => table)).toEqual([
      {
        name: "llm-api-v1-state",
        billing_mode: "PAY_PER_REQUEST",
        hash_key: "pk",
        range_key: "sk",
        attribute: [
          { name: "pk", type: "S" },
          { name: "sk", type: "S" },
        ],
        ttl: { attribute_name: "expiresAt", enabled: true },
        point_in_time_recovery: { enabled: true },
      },
    ]);
  });

  it("tells the functions that hold where the table is, and no other", () => {
    const env = Object.fromEntries(
      resources(stack, "aws_lambda_function").map((f) => [
        f.values.function_name,
        f.values.environment?.variables ?? {},
      ]),
    );
    expect(env["llm-api-v1-sleepy-stream"].STATE_TABLE).toBe("llm-api-v1-state");
    expect(env["llm-api-v1-warm-stream"].STATE_TABLE).toBeUndefined();
    // The defaults (a 780 s hold, 50 held per model) are the functions' own: not repeated in the environment.
    expect([env["llm-api-v1-sleepy-stream"].WAKE_HOLD_SECONDS, env["llm-api-v1-sleepy-stream"].HELD_PER_MODEL]).toEqual(
      [undefined, undefined],
    );
  });

  it("gives the streaming functions 900 s by default, so a hold of 780 s and the answer fit", () => {
    const timeouts = Object.fromEntries(
      resources(stack, "aws_lambda_function").map((f) => [f.values.function_name, f.values.timeout]),
    );
    expect([
      timeouts["llm-api-v1-chat"],
      timeouts["llm-api-v1-sleepy-stream"],
      timeouts["llm-api-v1-sleepy-invoke"],
    ]).toEqual([900, 900, 29]);
  });
});

describe("a stage without models that scale to zero", () => {
  it("has no stage table, and its functions no wake permissions", () => {
    const stack = stage([warm]);
    expect(resources(stack, "aws_dynamodb_table")).toEqual([]);
    const statements = Object.values(policiesByFunction(stack)).flat();
    expect(statements.filter((s) => ["WakeOwnComponents", "CountHeldRequests"].includes(s.Sid))).toEqual([]);
  });
});
