import { Cron } from "croner";
import { HOURS_PER_MONTH } from "../../reference/prices";

/**
 * What a model's scheduled minimums cost in instance-hours: the minimum each schedule sets holds
 * until the next one fires, so over 30 days the floor is the sum of minimum × hours. Application
 * Auto Scaling's cron has six fields (minutes, hours, day of month, month, day of week with SUN = 1,
 * year), evaluated in the schedule's time zone; croner reads it as a seven-field pattern after a
 * seconds field, in Quartz weekday numbering. rate() and at() schedules are not anchored to the
 * calendar this way: a model with one is not priced (undefined).
 */
export interface PricedSchedule {
  readonly schedule: string;
  readonly timezone: string;
  readonly minCapacity?: number;
}

/** A fixed window, so an estimate does not change with the day it is made: 30 days from Monday 2026-01-05, 00:00 UTC. */
export const PRICING_WINDOW_START = Date.UTC(2026, 0, 5);
const WINDOW_MS = HOURS_PER_MONTH * 3_600_000;
/** Schedules that fired in the week before the window set its first minimum. */
const LOOKBACK_MS = 7 * 24 * 3_600_000;

const CRON = /^cron\((.+)\)$/;

function firings(schedule: PricedSchedule): number[] | undefined {
  const fields = CRON.exec(schedule.schedule)?.[1];
  if (!fields) return undefined;
  const cron = new Cron(`0 ${fields}`, {
    timezone: schedule.timezone,
    alternativeWeekdays: true,
    mode: "7-part",
    paused: true,
  });
  const times: number[] = [];
  let next = cron.nextRun(new Date(PRICING_WINDOW_START - LOOKBACK_MS));
  while (next && next.getTime() < PRICING_WINDOW_START + WINDOW_MS) {
    times.push(next.getTime());
    next = cron.nextRun(next);
  }
  return times;
}

/**
 * Instance-hours (or copy-hours) at the scheduled minimum over 30 days, starting from `minimum`;
 * undefined when a schedule is not a cron expression.
 */
export function scheduledMinimumHours(minimum: number, schedules: readonly PricedSchedule[]): number | undefined {
  const changes: { at: number; min: number }[] = [];
  for (const s of schedules) {
    const times = firings(s);
    if (!times) return undefined;
    if (s.minCapacity !== undefined) for (const at of times) changes.push({ at, min: s.minCapacity });
  }
  changes.sort((a, b) => a.at - b.at);
  let current = minimum;
  let since = PRICING_WINDOW_START;
  let total = 0;
  for (const { at, min } of changes) {
    if (at > since) {
      total += current * (at - since);
      since = at;
    }
    current = min;
  }
  total += current * (PRICING_WINDOW_START + WINDOW_MS - since);
  return Math.round((total / 3_600_000) * 100) / 100;
}
