import { functionBudgets, resources, synth, testConfig } from "../helpers/synth";
import type { ConfigInput } from "../../config/schema";

/**
 * What a stage with token budgets synthesises: the stage table, each function keeping the budgets of
 * the consumers that may call its models (and no other), and two alarms per consumer that asks.
 */
const model = (name: string) => ({
  name,
  huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2", maxInputTokens: 4096, maxTotalTokens: 8192 },
  instance: { type: "ml.g5.2xlarge" },
});
const stageOf = (api: ConfigInput["api"]) =>
  synth(testConfig({ models: [model("alpha"), model("beta")], api })).stacks["llm-api-v1"];
const byName = (stack: ReturnType<typeof stageOf>) =>
  Object.fromEntries(resources(stack, "aws_lambda_function").map((f) => [f.values.function_name, f.values]));

describe("a stage with token budgets", () => {
  const stack = stageOf({
    consumers: [
      { name: "search", models: ["alpha"], budget: { tokens: 1_000_000, period: "day", models: { alpha: 500_000 } } },
      { name: "support", models: ["beta"] },
      { name: "quiet", models: ["beta"], budget: { tokens: 10_000, period: "month", alarms: false } },
    ],
  });
  const functions = byName(stack);

  it("creates the stage table, on demand, with point-in-time recovery and TTL", () => {
    const [table] = resources(stack, "aws_dynamodb_table").map((t) => t.values);
    expect(table).toMatchObject({
      name: "llm-api-v1-state",
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      ttl: { attribute_name: "expiresAt", enabled: true },
    });
  });

  it("gives each function the budgets of the consumers that may call its models, in the table, and no others", () => {
    expect(functionBudgets(functions["llm-api-v1-chat"])).toEqual({
      table: "llm-api-v1-state",
      consumers: {
        search: { tokens: 1_000_000, period: "day", models: { alpha: 500_000 } },
        quiet: { tokens: 10_000, period: "month" },
      },
    });
    expect(functionBudgets(functions["llm-api-v1-alpha-invoke"])?.consumers).toEqual({ search: expect.any(Object) });
    expect(functionBudgets(functions["llm-api-v1-beta-stream"])?.consumers).toEqual({ quiet: expect.any(Object) });
    expect(functionBudgets(functions["llm-api-v1-authorizer"])).toBeUndefined();
  });

  it("alarms at 80 % used and once a request is refused, for each consumer that asks", () => {
    const alarms = resources(stack, "aws_cloudwatch_metric_alarm")
      .map((a) => a.values)
      .filter((a) => /budget/.test(a.alarm_name));
    expect(alarms.map((a) => [a.alarm_name, a.comparison_operator, a.threshold, a.metric_name, a.dimensions])).toEqual([
      [
        "llm-api-v1-search-budget-80",
        "GreaterThanOrEqualToThreshold",
        80,
        "BudgetUsed",
        { Stage: "v1", Consumer: "search" },
      ],
      [
        "llm-api-v1-search-budget-spent",
        "GreaterThanOrEqualToThreshold",
        1,
        "BudgetRefusals",
        { Stage: "v1", Consumer: "search" },
      ],
    ]);
  });

  it("leaves a stage without budgets as it was: no table, no budgets in any function", () => {
    const plain = stageOf({ consumers: [{ name: "search" }] });
    expect(resources(plain, "aws_dynamodb_table")).toEqual([]);
    expect(
      Object.values(byName(plain))
        .map((f) => functionBudgets(f as Record<string, any>))
        .filter(Boolean),
    ).toEqual([]);
  });
});
