import { componentOfHosting, type Hosting } from "../sagemaker/hosting";
import { VARIANT_NAME } from "../../reference/aws-limits";

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
  return {
    type: "metric",
    x,
    y,
    width,
    height: 6,
    properties: { title, region, metrics, stat, period: 60, view: "timeSeries", stacked: false },
  };
}

/** One row per endpoint, one per inference component, the API's, the functions', and with consumers their tokens. */
export function dashboardBody(input: DashboardInput): string {
  const rows: Row[] = [
    ...input.endpoints.map((e) => endpointRow(e)),
    ...(input.components ?? []).map((name) => componentRow(name)),
    apiRow(input.apiName, input.stage),
    functionsRow(input.functions),
    ...(input.consumers ? [consumersRow(input.consumers, input.stage)] : []),
  ];
  return JSON.stringify({ widgets: rows.flatMap((row, i) => row(input.region, 6 * i)) });
}

/** Calls and their errors, of an endpoint's variant or of an inference component. */
const invocationMetrics = (dims: string[]): Metric[] =>
  ["Invocations", "Invocation4XXErrors", "Invocation5XXErrors"].map((name) => ["AWS/SageMaker", name, ...dims]);

/** The model's latency at p50 and p90 (microseconds). */
const modelLatencyMetrics = (dims: string[]): Metric[] =>
  ["p50", "p90"].map((stat) => ["AWS/SageMaker", "ModelLatency", ...dims, { stat }]);

/** A row of widgets, placed at height y. */
type Row = (region: string, y: number) => unknown[];

function endpointRow(e: DashboardInput["endpoints"][number]): Row {
  const dims = ["EndpointName", e.name, "VariantName", VARIANT_NAME];
  const invocations = invocationMetrics(dims);
  const latency: Metric[] = [
    ...modelLatencyMetrics(dims),
    ["AWS/SageMaker", "OverheadLatency", ...dims, { stat: "p90" }],
  ];
  const utilisation: Metric[] = ["GPUUtilization", "GPUMemoryUtilization", "MemoryUtilization", "CPUUtilization"].map(
    (m) => ["/aws/sagemaker/Endpoints", m, ...dims],
  );
  const serverless: Metric[] = [
    ["AWS/SageMaker", "ModelSetupTime", ...dims, { stat: "Maximum" }],
    ["AWS/SageMaker", "OverheadLatency", ...dims, { stat: "p90" }],
  ];
  return (region, y) => [
    widget(`${e.name}: invocations and errors`, invocations, region, y, 0),
    widget(`${e.name}: model latency (µs)`, latency, region, y, 8, "p90"),
    e.instance
      ? widget(`${e.name}: utilisation (%)`, utilisation, region, y, 16, "Average")
      : widget(`${e.name}: serverless`, serverless, region, y, 16, "Maximum"),
  ];
}

function componentRow(name: string): Row {
  const dims = ["InferenceComponentName", name];
  const invocations = invocationMetrics(dims);
  const latency = modelLatencyMetrics(dims);
  return (region, y) => [
    widget(`${name}: invocations and errors`, invocations, region, y, 0),
    widget(`${name}: model latency (µs)`, latency, region, y, 8, "p90"),
    // Requests that found no copy: each wakes the model (the wake-up alarm watches this metric).
    widget(
      `${name}: requests at zero copies`,
      [["AWS/SageMaker", "NoCapacityInvocationFailures", ...dims]],
      region,
      y,
      16,
    ),
  ];
}

function apiRow(apiName: string, stage: string): Row {
  const api = ["ApiName", apiName, "Stage", stage];
  const requests: Metric[] = [
    ["AWS/ApiGateway", "Count", ...api],
    ["AWS/ApiGateway", "4XXError", ...api],
    ["AWS/ApiGateway", "5XXError", ...api],
  ];
  const latency: Metric[] = [
    ["AWS/ApiGateway", "Latency", ...api, { stat: "p50" }],
    ["AWS/ApiGateway", "Latency", ...api, { stat: "p90" }],
    ["AWS/ApiGateway", "IntegrationLatency", ...api, { stat: "p90" }],
  ];
  return (region, y) => [
    widget(`API ${apiName}: requests and errors`, requests, region, y, 0),
    widget(`API ${apiName}: latency (ms)`, latency, region, y, 8, "p90"),
  ];
}

function functionsRow(functions: readonly string[]): Row {
  const fn = (name: string) => functions.map((f) => ["AWS/Lambda", name, "FunctionName", f]);
  return (region, y) => [
    widget("Functions: invocations", fn("Invocations"), region, y, 0),
    widget("Functions: errors and throttles", [...fn("Errors"), ...fn("Throttles")], region, y, 8),
    widget("Functions: duration (max, ms)", fn("Duration"), region, y, 16, "Maximum"),
  ];
}

function consumersRow(consumers: NonNullable<DashboardInput["consumers"]>, stage: string): Row {
  const tokens = (metric: string) =>
    consumers.names.map((c) => [consumers.namespace, metric, "Stage", stage, "Consumer", c]);
  return (region, y) => [
    widget("Input tokens by consumer", tokens("InputTokens"), region, y, 0, "Sum", 12),
    widget("Output tokens by consumer", tokens("OutputTokens"), region, y, 12, "Sum", 12),
  ];
}

/** What the dashboard draws of a stage: endpoints (adopted ones taken to be real-time), components, the API, functions, consumers. */
export function dashboardInputOf(stage: {
  readonly region: string;
  readonly project: string;
  readonly stage: string;
  readonly apiName: string;
  readonly models: readonly { readonly hosting: Hosting }[];
  readonly functions: readonly { readonly functionName: string }[];
  readonly consumers?: readonly { readonly name: string }[];
}): DashboardInput {
  const { models, consumers } = stage;
  return {
    region: stage.region,
    endpoints: models
      .filter((m) => componentOfHosting(m.hosting) === undefined)
      .map((m) => ({ name: m.hosting.endpointName, instance: m.hosting.kind !== "serverless" })),
    components: models.flatMap((m) => componentOfHosting(m.hosting)?.name ?? []),
    apiName: stage.apiName,
    stage: stage.stage,
    functions: stage.functions.map((f) => f.functionName),
    ...(consumers ? { consumers: { namespace: stage.project, names: consumers.map((c) => c.name) } } : {}),
  };
}
