import { VARIANT_NAME } from "../reference/aws-limits";

/**
 * One CloudWatch dashboard per stage: each model's endpoint, the API and the
 * functions side by side. A pure function of names, so it names real resources.
 */
export interface DashboardInput {
  readonly region: string;
  readonly endpoints: readonly { readonly name: string; readonly instance: boolean }[];
  /** Models that run as inference components: their own row, by InferenceComponentName. @default - none */
  readonly components?: readonly string[];
  readonly apiName: string;
  readonly stage: string;
  readonly functions: readonly string[];
  /** With consumers: their tokens from the handlers' metrics (namespace, consumer names). @default - no consumer widgets */
  readonly consumers?: { readonly namespace: string; readonly names: readonly string[] };
}

type Metric = (string | Record<string, string>)[];

function widget(title: string, metrics: Metric[], region: string, y: number, x: number, stat = "Sum", width = 8) {
  return { type: "metric", x, y, width, height: 6, properties: { title, region, metrics, stat, period: 60, view: "timeSeries", stacked: false } };
}

export function dashboardBody(input: DashboardInput): string {
  const { region } = input;
  const widgets: unknown[] = [];
  let y = 0;
  for (const e of input.endpoints) {
    const dims = ["EndpointName", e.name, "VariantName", VARIANT_NAME];
    widgets.push(
      widget(
        `${e.name}: invocations and errors`,
        [
          ["AWS/SageMaker", "Invocations", ...dims],
          ["AWS/SageMaker", "Invocation4XXErrors", ...dims],
          ["AWS/SageMaker", "Invocation5XXErrors", ...dims],
        ],
        region,
        y,
        0,
      ),
      widget(
        `${e.name}: model latency (µs)`,
        [
          ["AWS/SageMaker", "ModelLatency", ...dims, { stat: "p50" }],
          ["AWS/SageMaker", "ModelLatency", ...dims, { stat: "p90" }],
          ["AWS/SageMaker", "OverheadLatency", ...dims, { stat: "p90" }],
        ],
        region,
        y,
        8,
        "p90",
      ),
      e.instance
        ? widget(
            `${e.name}: utilisation (%)`,
            [
              ["/aws/sagemaker/Endpoints", "GPUUtilization", ...dims],
              ["/aws/sagemaker/Endpoints", "GPUMemoryUtilization", ...dims],
              ["/aws/sagemaker/Endpoints", "MemoryUtilization", ...dims],
              ["/aws/sagemaker/Endpoints", "CPUUtilization", ...dims],
            ],
            region,
            y,
            16,
            "Average",
          )
        : widget(
            `${e.name}: serverless`,
            [
              ["AWS/SageMaker", "ModelSetupTime", ...dims, { stat: "Maximum" }],
              ["AWS/SageMaker", "OverheadLatency", ...dims, { stat: "p90" }],
            ],
            region,
            y,
            16,
            "Maximum",
          ),
    );
    y += 6;
  }
  for (const name of input.components ?? []) {
    const dims = ["InferenceComponentName", name];
    widgets.push(
      widget(
        `${name}: invocations and errors`,
        [
          ["AWS/SageMaker", "Invocations", ...dims],
          ["AWS/SageMaker", "Invocation4XXErrors", ...dims],
          ["AWS/SageMaker", "Invocation5XXErrors", ...dims],
        ],
        region,
        y,
        0,
      ),
      widget(
        `${name}: model latency (µs)`,
        [
          ["AWS/SageMaker", "ModelLatency", ...dims, { stat: "p50" }],
          ["AWS/SageMaker", "ModelLatency", ...dims, { stat: "p90" }],
        ],
        region,
        y,
        8,
        "p90",
      ),
      // Requests that found no copy: each wakes the model (the wake-up alarm watches this metric).
      widget(`${name}: requests at zero copies`, [["AWS/SageMaker", "NoCapacityInvocationFailures", ...dims]], region, y, 16),
    );
    y += 6;
  }
  const api = ["ApiName", input.apiName, "Stage", input.stage];
  widgets.push(
    widget(
      `API ${input.apiName}: requests and errors`,
      [
        ["AWS/ApiGateway", "Count", ...api],
        ["AWS/ApiGateway", "4XXError", ...api],
        ["AWS/ApiGateway", "5XXError", ...api],
      ],
      region,
      y,
      0,
    ),
    widget(
      `API ${input.apiName}: latency (ms)`,
      [
        ["AWS/ApiGateway", "Latency", ...api, { stat: "p50" }],
        ["AWS/ApiGateway", "Latency", ...api, { stat: "p90" }],
        ["AWS/ApiGateway", "IntegrationLatency", ...api, { stat: "p90" }],
      ],
      region,
      y,
      8,
      "p90",
    ),
  );
  y += 6;
  const fn = (name: string) => input.functions.map((f) => ["AWS/Lambda", name, "FunctionName", f]);
  widgets.push(
    widget("Functions: invocations", fn("Invocations"), region, y, 0),
    widget("Functions: errors and throttles", [...fn("Errors"), ...fn("Throttles")], region, y, 8),
    widget("Functions: duration (max, ms)", fn("Duration"), region, y, 16, "Maximum"),
  );
  if (input.consumers) {
    const { namespace, names } = input.consumers;
    y += 6;
    const tokens = (metric: string) => names.map((c) => [namespace, metric, "Stage", input.stage, "Consumer", c]);
    widgets.push(
      widget("Input tokens by consumer", tokens("InputTokens"), region, y, 0, "Sum", 12),
      widget("Output tokens by consumer", tokens("OutputTokens"), region, y, 12, "Sum", 12),
    );
  }
  return JSON.stringify({ widgets });
}
