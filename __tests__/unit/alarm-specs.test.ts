import { parseConfig } from "../../config/load";
import { endpointAlarmSpecs, vcpuCount } from "../../deployment/operations/alarm-specs";
import { apiAlarmSpecs, functionAlarmSpecs } from "../../deployment/operations/api-alarm-specs";
import { dashboardBody } from "../../deployment/operations/dashboard";

const config = (models: unknown[], alarms: Record<string, unknown> = {}) =>
  parseConfig({ region: "us-east-1", models, alarms });
const tgi = (instance: string, extra: Record<string, unknown> = {}) => ({
  name: "m",
  huggingFace: { modelId: "a/b" },
  instance: { type: instance },
  ...extra,
});

describe("alarm specs", () => {
  it("watches a GPU endpoint's error rates, latency, utilisation and saturation with the configured thresholds", () => {
    const c = config([tgi("ml.g5.12xlarge")], {
      endpoint5xxRate: 0.02,
      modelLatencyP90Ms: 15000,
      gpuUtilizationPercent: 90,
    });
    const specs = endpointAlarmSpecs(c.models[0].capacity, "llm-api-v1-m", c.alarms);
    expect(specs.map((s) => [s.name, s.threshold, Boolean(s.rollback)])).toEqual([
      ["llm-api-v1-m-5xx-rate", 0.02, true],
      ["llm-api-v1-m-4xx-rate", 0.25, false],
      // Latency is never a rollback alarm: a long generation is not a broken model.
      ["llm-api-v1-m-latency-p90", 15_000_000, false],
      // SageMaker sums use over all units: 48 vCPUs and 4 GPUs on ml.g5.12xlarge.
      ["llm-api-v1-m-cpu", 90 * 48, false],
      ["llm-api-v1-m-memory", 90, false],
      ["llm-api-v1-m-gpu", 90 * 4, false],
      ["llm-api-v1-m-gpu-memory", 95 * 4, false],
      ["llm-api-v1-m-no-capacity", 120, false],
    ]);
    expect(specs[0].metric).toEqual({
      ratio: [
        {
          namespace: "AWS/SageMaker",
          name: "Invocation5XXErrors",
          dimensions: { EndpointName: "llm-api-v1-m", VariantName: "AllTraffic" },
          stat: "Sum",
          periodSeconds: 60,
        },
        {
          namespace: "AWS/SageMaker",
          name: "Invocations",
          dimensions: { EndpointName: "llm-api-v1-m", VariantName: "AllTraffic" },
          stat: "Sum",
          periodSeconds: 60,
        },
      ],
    });
  });

  it("sets saturation at 1.5x the autoscaling target, and watches only errors and latency on serverless", () => {
    const scaled = config([tgi("ml.g5.2xlarge", { autoscaling: { minCapacity: 1, maxCapacity: 3, targetValue: 40 } })]);
    expect(
      endpointAlarmSpecs(scaled.models[0].capacity, "e", scaled.alarms).find((s) => s.id === "saturation")!.threshold,
    ).toBe(60);
    const serverless = config([{ name: "s", huggingFace: { modelId: "a/b" }, serverless: { memorySizeMb: 2048 } }]);
    expect(endpointAlarmSpecs(serverless.models[0].capacity, "e", serverless.alarms).map((s) => s.id)).toEqual([
      "errors-5xx",
      "errors-4xx",
      "latency-p90",
    ]);
    expect([vcpuCount("ml.g5.xlarge"), vcpuCount("ml.g5.48xlarge"), vcpuCount("ml.p4d.24xlarge")]).toEqual([
      4, 192, 96,
    ]);
  });

  it("watches the API's error rates, the latency of its buffered routes only, and each function's errors, throttles and duration near its timeout", () => {
    const c = config([tgi("ml.g5.2xlarge")], { lambdaDurationRatio: 0.8, lambdaErrors: 3 });
    const api = apiAlarmSpecs("llm-api-v1-api", "v1", c.alarms, ["/m/invoke", "/n/invoke"]);
    expect(api.map((s) => [s.name, s.threshold])).toEqual([
      ["llm-api-v1-api-v1-5xx-rate", 0.05],
      ["llm-api-v1-api-v1-4xx-rate", 0.25],
      ["llm-api-v1-api-v1-m-invoke-latency-p90", 25000],
      ["llm-api-v1-api-v1-n-invoke-latency-p90", 25000],
    ]);
    expect(api[2].metric).toMatchObject({
      name: "Latency",
      stat: "p90",
      dimensions: { ApiName: "llm-api-v1-api", Stage: "v1", Resource: "/m/invoke", Method: "POST" },
    });
    expect(functionAlarmSpecs("f", 29, c.alarms).map((s) => [s.name, s.threshold])).toEqual([
      ["f-errors", 2],
      ["f-throttles", 0],
      ["f-duration", 23200],
    ]);
  });
});

describe("dashboard", () => {
  it("is valid CloudWatch dashboard JSON naming the endpoints, API and functions", () => {
    const body = JSON.parse(
      dashboardBody({
        region: "eu-west-1",
        endpoints: [
          { name: "ep-a", instance: true },
          { name: "ep-b", instance: false },
        ],
        apiName: "api",
        stage: "v1",
        functions: ["f1", "f2"],
      }),
    );
    expect(body.widgets).toHaveLength(3 * 2 + 2 + 3);
    for (const w of body.widgets) {
      expect(w).toMatchObject({ type: "metric", properties: { region: "eu-west-1" } });
      expect(w.x + w.width).toBeLessThanOrEqual(24);
    }
    const named = JSON.stringify(body);
    for (const name of ["ep-a", "ep-b", '"ApiName","api","Stage","v1"', '"FunctionName","f1"', '"FunctionName","f2"'])
      expect(named).toContain(name);
  });
});
