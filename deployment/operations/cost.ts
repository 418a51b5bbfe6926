import type { Config } from "../../config/schema";
import { resolveStages, type Deployment } from "../resolve";
import { createdEndpointAlarms, watchesUpdates } from "./alarm-specs";
import { HOURS_PER_MONTH, MONITORING_PRICES, PRICES, type PriceTable } from "../../reference/prices";
import { scheduledMinimumHours } from "./schedule-hours";
import { componentOfHosting } from "../sagemaker/hosting";

/**
 * What a config costs to leave running: per model and stage, per hour and per
 * 30 days, at minimum and maximum capacity, and per stage its alarms, dashboard
 * and key-table secret. Not Lambda, API Gateway and logs: they bill per request.
 */
export interface CostRow {
  readonly stage: string;
  readonly model: string;
  /** Instance type, or "serverless". */
  readonly capacity: string;
  readonly minCount: number;
  readonly maxCount: number;
  /** Undefined when the instance type has no price. */
  readonly hourlyMin?: number;
  readonly hourlyMax?: number;
  readonly monthlyMin?: number;
  readonly monthlyMax?: number;
}

/** What a stage adds beside its instances: alarms, its dashboard, the authorizer's key table. */
export interface MonitoringCost {
  readonly stage: string;
  readonly alarms: number;
  readonly dashboards: number;
  readonly secrets: number;
  readonly monthly: number;
}

export interface CostEstimate {
  readonly rows: readonly CostRow[];
  readonly monitoring: readonly MonitoringCost[];
  readonly totals: Readonly<Record<string, { monthlyMin: number; monthlyMax: number }>>;
  /** Instance types with no price: named, never counted as zero. */
  readonly unpriced: readonly string[];
  readonly assumptions: readonly string[];
}

export const round = (n: number) => Math.round(n * 100) / 100;

export function estimateCost(config: Config, table: PriceTable = PRICES): CostEstimate {
  const pricing: Pricing = {
    prices: { ...table.hourly, ...config.cost.prices },
    unpriced: new Set(),
    scheduled: [],
    unscheduled: [],
  };
  const rows: CostRow[] = [];
  const monitoring: MonitoringCost[] = [];
  for (const deployment of resolveStages(config)) {
    monitoring.push(monitoringOf(deployment, config.alarms.enabled));
    rows.push(...stageRows(deployment, config, table, pricing));
  }
  const assumptions = assumptionsOf(config, table, pricing);
  return { rows, monitoring, totals: totalsOf(rows, monitoring), unpriced: [...pricing.unpriced], assumptions };
}

/** The prices in use, and what pricing found on the way: types without a price, schedules priced or not. */
interface Pricing {
  readonly prices: Readonly<Record<string, number>>;
  readonly unpriced: Set<string>;
  readonly scheduled: string[];
  readonly unscheduled: string[];
}

/** Instances of one type between two counts; an unpriced type is listed without prices, never as free. */
function instanceRow(
  pricing: Pricing,
  row: Pick<CostRow, "stage" | "model" | "capacity" | "minCount" | "maxCount">,
): CostRow {
  const price = pricing.prices[row.capacity];
  if (price === undefined) {
    pricing.unpriced.add(row.capacity);
    return row;
  }
  const { minCount, maxCount } = row;
  return {
    ...row,
    hourlyMin: round(price * minCount),
    hourlyMax: round(price * maxCount),
    monthlyMin: round(price * minCount * HOURS_PER_MONTH),
    monthlyMax: round(price * maxCount * HOURS_PER_MONTH),
  };
}

type Schedules = NonNullable<
  Extract<Config["models"][number]["capacity"], { kind: "instance" }>["autoscaling"]
>["schedules"];

/** A model whose schedules move its minimum: the lowest one, and the instance-hours at the minimum over 30 days. */
function withSchedules(pricing: Pricing, row: CostRow, schedules: Schedules): CostRow {
  if (schedules.length === 0) return row;
  const hours = scheduledMinimumHours(row.minCount, schedules);
  if (hours === undefined) {
    pricing.unscheduled.push(row.model);
    return row;
  }
  pricing.scheduled.push(`${row.model} ${hours} instance-hours`);
  const lowest = Math.min(row.minCount, ...schedules.map((s) => s.minCapacity ?? row.minCount));
  const price = pricing.prices[row.capacity];
  if (price === undefined) return { ...row, minCount: lowest };
  return { ...row, minCount: lowest, hourlyMin: round(price * lowest), monthlyMin: round(price * hours) };
}

/**
 * A stage's alarms, dashboard and key table. Alarm specs exist whatever alarms.enabled says; the
 * stack creates what createdEndpointAlarms keeps of an endpoint's, the others only with alarms on,
 * and a wake-up alarm per model that scales to zero.
 */
function monitoringOf(deployment: Deployment, on: boolean): MonitoringCost {
  const created = deployment.models.flatMap((m) => (m.hosting.kind === "existing" ? [] : [m.hosting]));
  const alarms =
    // A wake-up alarm per model that scales to zero or is placed.
    created.filter((h) => componentOfHosting(h) !== undefined).length +
    created.reduce((n, h) => n + createdEndpointAlarms(h.alarms, watchesUpdates(h), on).length, 0) +
    (on ? deployment.apiAlarms.length + deployment.functions.reduce((n, f) => n + f.alarms.length, 0) : 0);
  const secrets = deployment.consumers ? 1 : 0;
  return {
    stage: deployment.stage,
    alarms,
    dashboards: 1,
    secrets,
    monthly: round(
      alarms * MONITORING_PRICES.alarmMonth +
        MONITORING_PRICES.dashboardMonth +
        secrets * MONITORING_PRICES.secretMonth,
    ),
  };
}

/** A stage's instances: its shared endpoints', and each model's own; adopted endpoints are billed where they are managed. */
function stageRows(deployment: Deployment, config: Config, table: PriceTable, pricing: Pricing): CostRow[] {
  const { stage } = deployment;
  const rows: CostRow[] = deployment.sharedEndpoints.map((e) =>
    instanceRow(pricing, {
      stage,
      model: e.name,
      capacity: e.instanceType,
      minCount: e.minInstances,
      maxCount: e.maxInstances,
    }),
  );
  for (const m of deployment.models) {
    // Placed models are billed by their shared endpoint; adopted ones where they are managed.
    const { hosting } = m;
    if (hosting.kind === "existing" || hosting.kind === "placed") continue;
    if (hosting.kind === "serverless") {
      const { capacity } = hosting;
      const gbSeconds =
        config.cost.serverlessRequestsPerMonth * config.cost.serverlessAverageSeconds * (capacity.memorySizeMb / 1024);
      const monthly = round(gbSeconds * table.serverlessPerGbSecond);
      const hourlyMax = round(monthly / HOURS_PER_MONTH);
      rows.push({
        stage,
        model: m.name,
        capacity: "serverless",
        minCount: 0,
        maxCount: capacity.maxConcurrency,
        hourlyMin: 0,
        hourlyMax,
        monthlyMin: 0,
        monthlyMax: monthly,
      });
      continue;
    }
    const { capacity } = hosting;
    const minCount = capacity.autoscaling?.minCapacity ?? capacity.initialCount;
    const maxCount = capacity.autoscaling?.maxCapacity ?? capacity.initialCount;
    const row = instanceRow(pricing, { stage, model: m.name, capacity: capacity.type, minCount, maxCount });
    rows.push(withSchedules(pricing, row, capacity.autoscaling?.schedules ?? []));
  }
  return rows;
}

function totalsOf(
  rows: readonly CostRow[],
  monitoring: readonly MonitoringCost[],
): Record<string, { monthlyMin: number; monthlyMax: number }> {
  const totals: Record<string, { monthlyMin: number; monthlyMax: number }> = {};
  const add = (stage: string, min: number, max: number) => {
    const t = (totals[stage] ??= { monthlyMin: 0, monthlyMax: 0 });
    t.monthlyMin = round(t.monthlyMin + min);
    t.monthlyMax = round(t.monthlyMax + max);
  };
  for (const r of rows) add(r.stage, r.monthlyMin ?? 0, r.monthlyMax ?? 0);
  for (const m of monitoring) add(m.stage, m.monthly, m.monthly);
  return totals;
}

/** What the estimate assumes, in words: prices and their date, serverless traffic, schedules, what is not counted. */
function assumptionsOf(config: Config, table: PriceTable, pricing: Pricing): string[] {
  const { scheduled, unscheduled } = pricing;
  return [
    `${table.currency} list prices of ${table.region} taken ${table.takenOn}${Object.keys(config.cost.prices).length ? `, with ${Object.keys(config.cost.prices).length} from the config` : ""}; ${config.region === table.region ? "" : `${config.region} prices differ (often 5-25% higher). `}30 days = ${HOURS_PER_MONTH} h, running all the time.`,
    ...(config.models.some((m) => m.capacity.kind === "serverless")
      ? [
          `Serverless: ${config.cost.serverlessRequestsPerMonth} requests/month x ${config.cost.serverlessAverageSeconds} s x memory, at ${table.serverlessPerGbSecond} per GB-second (cost.serverless* in the config); 0 without traffic.`,
        ]
      : []),
    ...(scheduled.length
      ? [
          `Scheduled minimums on the calendar, each schedule in its time zone, over 30 days from Monday 2026-01-05: ${[...new Set(scheduled)].join(", ")}; the minimum per 30 days is those hours.`,
        ]
      : []),
    ...(unscheduled.length
      ? [
          `Schedules by rate() or at() are not priced (${[...new Set(unscheduled)].join(", ")}): the range is min to max capacity.`,
        ]
      : []),
    ...(config.models.some(
      (m) => m.capacity.kind === "instance" && m.capacity.placement && m.capacity.autoscaling?.schedules.length,
    )
      ? ["Schedules of models placed on shared endpoints are not priced: the shared endpoint's instances are."]
      : []),
    ...config.endpoints.map(
      (e) =>
        `Shared endpoint ${e.name}: its instances, whatever runs on them (${config.models
          .filter((m) => m.capacity.kind === "instance" && m.capacity.placement?.endpoint === e.name)
          .map((m) => m.name)
          .join(", ")}).`,
    ),
    ...(config.existingEndpoints.length
      ? [
          `Adopted endpoints (${config.existingEndpoints.map((e) => e.name).join(", ")}) are billed where they are managed and are not counted.`,
        ]
      : []),
    `Monitoring per stage: ${MONITORING_PRICES.alarmMonth} per alarm-month, ${MONITORING_PRICES.dashboardMonth} per dashboard, ${MONITORING_PRICES.secretMonth} per secret (reference/prices.ts), before the account's free tier (10 alarms, 3 dashboards).`,
    "Not counted: Lambda, API Gateway, logs and data transfer (per request, small beside GPU hours).",
  ];
}
