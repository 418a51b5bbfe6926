import { join } from "node:path";
import { only, resources, ROOT, synth, testConfig } from "../helpers/synth";

// examples/multi-model.json: canary updates, schedules, an e-mail topic and tracing.
const stack = () => synth(join(ROOT, "examples", "multi-model.json")).stacks["llm-api-prod"];

describe("operations", () => {
  it("creates the alarms of every model with the configured thresholds, notifying the e-mail topic", () => {
    const s = stack();
    const alarms = Object.fromEntries(
      resources(s, "aws_cloudwatch_metric_alarm").map((a) => [a.values.alarm_name, a.values]),
    );
    expect(alarms["llm-api-prod-llama-8b-latency-p90"]).toMatchObject({
      threshold: 20_000_000,
      extended_statistic: "p90",
      metric_name: "ModelLatency",
      namespace: "AWS/SageMaker",
      dimensions: { EndpointName: "llm-api-prod-llama-8b", VariantName: "AllTraffic" },
    });
    expect(alarms["llm-api-prod-llama-8b-5xx-rate"].metric_query.map((q: { id: string }) => q.id)).toEqual([
      "part",
      "whole",
      "rate",
    ]);
    expect(alarms["llm-api-prod-qwen-small-5xx-rate"]).toBeDefined();
    expect(alarms["llm-api-prod-qwen-small-gpu"]).toBeUndefined();
    const topic = resources(s, "aws_sns_topic")[0];
    expect(only(s, "aws_sns_topic_subscription")).toMatchObject({
      protocol: "email",
      endpoint: "ml-oncall@acme.example",
    });
    for (const alarm of Object.values(alarms) as { alarm_actions: string[] }[])
      expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topic.name}.arn}`]);
    // Per function: errors, throttles, duration; the API: 5xx, 4xx, and latency per buffered route (one per model).
    const functions = resources(s, "aws_lambda_function").length;
    const routes = Object.keys(alarms).filter((n) => /-invoke-latency-p90$/.test(n)).length;
    expect(routes).toBe(3);
    const endpointAlarms = Object.keys(alarms).filter(
      (n) => /-(llama-8b|qwen-small)-/.test(n) && !/-(invoke|stream)-/.test(n),
    ).length;
    expect(Object.keys(alarms)).toHaveLength(endpointAlarms + 2 + routes + 3 * functions);
  });

  it("wires the model's 5xx alarm, not its latency, into the endpoint's canary update as the rollback alarm", () => {
    const s = stack();
    const endpoint = resources(s, "aws_sagemaker_endpoint").find(
      (e) => e.values.name === "llm-api-prod-llama-8b",
    )!.values;
    expect(endpoint.deployment_config).toEqual({
      blue_green_update_policy: {
        traffic_routing_configuration: {
          type: "CANARY",
          wait_interval_in_seconds: 600,
          canary_size: { type: "CAPACITY_PERCENT", value: 25 },
        },
        termination_wait_in_seconds: 0,
      },
      auto_rollback_configuration: {
        alarms: [
          {
            alarm_name: expect.stringMatching(
              /^\$\{aws_cloudwatch_metric_alarm\.alarms-llama-8b_errors-5xx_[0-9A-F]+\.alarm_name\}$/,
            ),
          },
        ],
      },
    });
    const serverless = resources(s, "aws_sagemaker_endpoint").find(
      (e) => e.values.name === "llm-api-prod-qwen-small",
    )!.values;
    expect(serverless.deployment_config).toBeUndefined();
  });

  it("schedules capacity changes when configured", () => {
    const actions = resources(stack(), "aws_appautoscaling_scheduled_action").map((a) => a.values);
    expect(actions.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      expect.objectContaining({
        name: "llm-api-prod-llama-8b-morning",
        schedule: "cron(0 7 ? * MON-FRI *)",
        scalable_target_action: { min_capacity: "1", max_capacity: "4" },
      }),
      expect.objectContaining({
        name: "llm-api-prod-llama-8b-night",
        schedule: "cron(0 20 ? * MON-FRI *)",
        timezone: "Europe/Dublin",
        scalable_target_action: { min_capacity: "1", max_capacity: "1" },
      }),
    ]);
    // One change at a time to the scalable target: Application Auto Scaling refuses concurrent updates.
    expect(actions.find((a) => a.name.endsWith("-morning"))!.depends_on).toEqual([
      expect.stringMatching(/^aws_appautoscaling_scheduled_action\.model-llama-8b_schedule-night_/),
    ]);
  });

  it("builds a dashboard naming the stage's real endpoints, API and functions", () => {
    const s = stack();
    const dashboard = only(s, "aws_cloudwatch_dashboard");
    expect(dashboard.dashboard_name).toBe("llm-api-prod");
    const body = JSON.stringify(JSON.parse(dashboard.dashboard_body));
    for (const fn of resources(s, "aws_lambda_function"))
      expect(body).toContain(`"FunctionName","${fn.values.function_name}"`);
    for (const ep of ["llm-api-prod-llama-8b", "llm-api-prod-qwen-small", "falcon-7b-instruct-prod"])
      expect(body).toContain(`"EndpointName","${ep}"`);
    expect(body).toContain(`"ApiName","${only(s, "aws_api_gateway_rest_api").name}"`);
  });

  it("turns on X-Ray when asked, with the two actions it needs", () => {
    const s = stack();
    for (const fn of resources(s, "aws_lambda_function")) expect(fn.values.tracing_config).toEqual({ mode: "Active" });
    const plain = synth(testConfig()).stacks["llm-api-v1"];
    for (const fn of resources(plain, "aws_lambda_function")) expect(fn.values.tracing_config).toBeUndefined();
  });

  it("with alarms off, keeps only each instance endpoint's rollback alarm, without actions, so turning alarms on or off never changes (so never replaces) the endpoint", () => {
    const off = synth(testConfig({ alarms: { enabled: false } })).stacks["llm-api-v1"];
    const on = synth(testConfig({ alarms: { enabled: true, email: "ops@example.com" } })).stacks["llm-api-v1"];
    const kept = resources(off, "aws_cloudwatch_metric_alarm");
    expect(kept.map((a) => [a.values.alarm_name, a.values.alarm_actions])).toEqual([
      ["llm-api-v1-mistral-7b-5xx-rate", undefined],
    ]);
    expect(resources(on, "aws_cloudwatch_metric_alarm").length).toBeGreaterThan(10);
    expect(only(off, "aws_sagemaker_endpoint").deployment_config).toEqual(
      only(on, "aws_sagemaker_endpoint").deployment_config,
    );
    // The endpoint names the kept alarm, at the same address as with alarms on.
    expect(only(off, "aws_sagemaker_endpoint").deployment_config.auto_rollback_configuration).toEqual({
      alarms: [{ alarm_name: `\${aws_cloudwatch_metric_alarm.${kept[0].name}.alarm_name}` }],
    });
  });
});
