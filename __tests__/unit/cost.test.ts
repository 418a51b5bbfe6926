import { loadConfig, parseConfig } from "../../config/load";
import { estimateCost } from "../../deployment/operations/cost";
import { costLine, diffCosts, formatCostMarkdown, formatCostTable } from "../../deployment/operations/cost-report";
import { MONITORING_PRICES, PRICES } from "../../reference/prices";
import { resolveStage } from "../../deployment/resolve";

const config = (models: unknown[], extra: Record<string, unknown> = {}) =>
  parseConfig({ region: "us-east-1", models, ...extra });
const g5 = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  huggingFace: { modelId: "a/b" },
  instance: { type: "ml.g5.2xlarge" },
  ...extra,
});

describe("cost estimate", () => {
  it("prices a model per hour and per 30 days at its minimum and maximum capacity", () => {
    const e = estimateCost(config([g5("m", { autoscaling: { minCapacity: 1, maxCapacity: 4, targetValue: 10 } })]));
    const hourly = PRICES.hourly["ml.g5.2xlarge"];
    expect(e.rows).toEqual([
      {
        stage: "v1",
        model: "m",
        capacity: "ml.g5.2xlarge",
        minCount: 1,
        maxCount: 4,
        hourlyMin: Math.round(hourly * 100) / 100,
        hourlyMax: Math.round(hourly * 4 * 100) / 100,
        monthlyMin: Math.round(hourly * 720 * 100) / 100,
        monthlyMax: Math.round(hourly * 4 * 720 * 100) / 100,
      },
    ]);
    // The stage's alarms (one per spec the stack creates), its dashboard, and no secret without consumers.
    const deployment = resolveStage(
      config([g5("m", { autoscaling: { minCapacity: 1, maxCapacity: 4, targetValue: 10 } })]),
      "v1",
    );
    const alarms =
      deployment.apiAlarms.length +
      deployment.functions.reduce((n, f) => n + f.alarms.length, 0) +
      deployment.models.reduce((n, m) => n + (m.hosting.kind === "existing" ? 0 : m.hosting.alarms.length), 0);
    expect(alarms).toBeGreaterThan(10);
    const monitoring =
      Math.round((alarms * MONITORING_PRICES.alarmMonth + MONITORING_PRICES.dashboardMonth) * 100) / 100;
    expect(e.monitoring).toEqual([{ stage: "v1", alarms, dashboards: 1, secrets: 0, monthly: monitoring }]);
    expect(e.totals).toEqual({
      v1: {
        monthlyMin: Math.round((1090.8 + monitoring) * 100) / 100,
        monthlyMax: Math.round((4363.2 + monitoring) * 100) / 100,
      },
    });
    expect(formatCostTable(e)).toMatch(
      new RegExp(`v1 +monitoring +${alarms} alarms, 1 dashboard +\\$${monitoring.toFixed(2)}`),
    );
  });

  it("uses the initial count without autoscaling, and one row per stage", () => {
    const e = estimateCost(
      config([{ ...g5("m"), instance: { type: "ml.g5.2xlarge", initialCount: 2 } }], { stages: ["dev", "prod"] }),
    );
    expect(e.rows.map((r) => [r.stage, r.minCount, r.maxCount, r.monthlyMax])).toEqual([
      ["dev", 2, 2, 2181.6],
      ["prod", 2, 2, 2181.6],
    ]);
  });

  it("estimates serverless per GB-second from the configured traffic, and says so", () => {
    const e = estimateCost(
      config([{ name: "s", huggingFace: { modelId: "a/b" }, serverless: { memorySizeMb: 4096 } }], {
        cost: { serverlessRequestsPerMonth: 50000, serverlessAverageSeconds: 3 },
      }),
    );
    // 50,000 requests x 3 s x 4 GB x $0.00002
    expect(e.rows[0]).toMatchObject({ capacity: "serverless", monthlyMin: 0, monthlyMax: 12 });
    expect(e.assumptions.join("\n")).toContain(
      "Serverless: 50000 requests/month x 3 s x memory, at 0.00002 per GB-second",
    );
  });

  it("names instance types it has no price for instead of counting them as free", () => {
    const e = estimateCost(
      config([
        {
          name: "c",
          custom: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1" },
          instance: { type: "ml.m7i.2xlarge" },
        },
        g5("m"),
      ]),
    );
    expect(e.unpriced).toEqual(["ml.m7i.2xlarge"]);
    expect(e.rows[0].monthlyMax).toBeUndefined();
    expect(formatCostTable(e)).toContain("Unpriced (add them to cost.prices): ml.m7i.2xlarge");
    expect(formatCostTable(e)).toMatch(/v1 +c +ml\.m7i\.2xlarge +1 +unpriced +unpriced/);
  });

  it("lets the config override a price, and notes a region that differs from the table's", () => {
    const e = estimateCost(config([g5("m")], { region: "eu-west-1", cost: { prices: { "ml.g5.2xlarge": 2 } } }));
    expect(e.rows[0].monthlyMax).toBe(1440);
    expect(e.assumptions[0]).toContain("with 1 from the config; eu-west-1 prices differ");
  });

  it("shows the change from the base branch per model, including added and removed models", () => {
    const base = estimateCost(config([g5("a"), g5("b")]));
    const current = estimateCost(config([{ ...g5("a"), instance: { type: "ml.g5.12xlarge" } }, g5("c")]));
    expect(diffCosts(base, current).map((c) => [c.model, c.monthlyMaxDelta])).toEqual([
      ["a", Math.round((PRICES.hourly["ml.g5.12xlarge"] - PRICES.hourly["ml.g5.2xlarge"]) * 720 * 100) / 100],
      ["b", -1090.8],
      ["c", 1090.8],
    ]);
    const md = formatCostMarkdown(current, base);
    expect(md).toContain("| stage | model | capacity | instances | min - max | change at max |");
    expect(md).toContain("| `v1` | c | ml.g5.2xlarge | 1-1 | $1,090.80 | +$1,090.80 |");
    expect(md).toContain("| `v1` | b | removed | | | -$1,090.80 |");
  });
});

describe("the cost line synth prints", () => {
  it("gives one figure when minimum and maximum agree, a range when they differ", () => {
    expect(costLine("v1", { monthlyMin: 1091, monthlyMax: 1091 }, [])).toBe(
      "v1: about $1091 per 30 days in SageMaker instances and monitoring. Details: npm run cost",
    );
    expect(costLine("v1", { monthlyMin: 1091, monthlyMax: 2182 }, [])).toBe(
      "v1: about $1091-2182 per 30 days in SageMaker instances and monitoring. Details: npm run cost",
    );
  });

  it("never shows an unpriced instance type as free", () => {
    expect(costLine("v1", { monthlyMin: 0, monthlyMax: 0 }, ["ml.x9.huge"])).toBe(
      "v1: cost unknown: no price for ml.x9.huge in the table (set cost.prices). Details: npm run cost",
    );
    expect(costLine("v1", { monthlyMin: 1091, monthlyMax: 1091 }, ["ml.x9.huge"])).toBe(
      "v1: about $1091 per 30 days in SageMaker instances and monitoring (unpriced, not counted: ml.x9.huge). Details: npm run cost",
    );
  });
});

describe("cost of models that scale to zero (examples/scale-to-zero.json)", () => {
  const e = estimateCost(loadConfig(`${__dirname}/../../examples/scale-to-zero.json`));

  it("prices a shared endpoint once, by its instances, and not the models placed on it", () => {
    expect(e.rows.map((r) => r.model).sort()).toEqual(["bge-base", "qwen-7b", "shared-gpu"]);
    const shared = e.rows.find((r) => r.model === "shared-gpu")!;
    expect([shared.capacity, shared.minCount, shared.maxCount]).toEqual(["ml.g6e.12xlarge", 0, 2]);
    expect(e.assumptions).toContain(
      "Shared endpoint shared-gpu: its instances, whatever runs on them (llama-8b, qwen-14b).",
    );
  });

  it("costs nothing per model while idle, and full instances at the most", () => {
    for (const row of e.rows) {
      // qwen-7b keeps a copy in office hours (below).
      const floor = row.model === "qwen-7b" ? PRICES.hourly[row.capacity] * 242 : 0;
      expect([row.model, row.minCount, row.hourlyMin, row.monthlyMin]).toEqual([
        row.model,
        0,
        0,
        Math.round(floor * 100) / 100,
      ]);
      expect(row.monthlyMax).toBeCloseTo(PRICES.hourly[row.capacity] * row.maxCount * 720, 1);
    }
    expect(formatCostTable(e)).toContain("$0.00 - $");
  });

  it("prices a copy kept in office hours: 8 to 19 Berlin time on the 22 weekdays of 30 days", () => {
    const qwen = e.rows.find((r) => r.model === "qwen-7b")!;
    expect(qwen.monthlyMin).toBeCloseTo(PRICES.hourly["ml.g6e.xlarge"] * 242, 2);
    expect(e.assumptions).toContain(
      "Scheduled minimums on the calendar, each schedule in its time zone, over 30 days from Monday 2026-01-05: qwen-7b 242 instance-hours; the minimum per 30 days is those hours.",
    );
  });

  it("counts each component's wake-up alarm in the stage's monitoring", () => {
    const deployment = resolveStage(loadConfig(`${__dirname}/../../examples/scale-to-zero.json`), "v1");
    const specs =
      deployment.apiAlarms.length +
      deployment.functions.reduce((n, f) => n + f.alarms.length, 0) +
      deployment.models.reduce((n, m) => n + (m.hosting.kind === "existing" ? 0 : m.hosting.alarms.length), 0);
    expect(e.monitoring[0].alarms).toBe(specs + deployment.models.length);
  });
});
