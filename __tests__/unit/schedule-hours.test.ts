import { scheduledMinimumHours } from "../../deployment/operations/schedule-hours";

// Scheduled minimums priced over 30 days from Monday 2026-01-05: 22 weekdays in that window.
const office = (days: string, timezone = "Europe/Berlin") => [
  { schedule: `cron(0 8 ? * ${days} *)`, timezone, minCapacity: 1 },
  { schedule: `cron(0 19 ? * ${days} *)`, timezone, minCapacity: 0 },
];

describe("scheduledMinimumHours", () => {
  it("counts office hours: 11 hours on each of 22 weekdays", () => {
    expect(scheduledMinimumHours(0, office("MON-FRI"))).toBe(242);
  });

  it("reads AWS's numeric weekdays, Sunday = 1, as AWS does", () => {
    expect(scheduledMinimumHours(0, office("2-6"))).toBe(242);
    // 1 is Sunday (4 in the window), 2 Monday (5).
    expect([scheduledMinimumHours(0, office("1")), scheduledMinimumHours(0, office("2"))]).toEqual([44, 55]);
  });

  it("keeps a minimum all month when nothing lowers it, and the schedule's own when one does", () => {
    expect(scheduledMinimumHours(1, [])).toBe(720);
    // Lowered to 1 on January 20 (UTC), 15 days into the window.
    expect(scheduledMinimumHours(2, [{ schedule: "cron(0 0 20 1 ? *)", timezone: "UTC", minCapacity: 1 }])).toBe(
      15 * 24 * 2 + 15 * 24,
    );
    // Nights at 1 instance, days at 2, every day: 13 h x 2 + 11 h x 1 per day, over 30 days.
    const days = [
      { schedule: "cron(0 8 * * ? *)", timezone: "UTC", minCapacity: 2 },
      { schedule: "cron(0 19 * * ? *)", timezone: "UTC", minCapacity: 1 },
    ];
    expect(scheduledMinimumHours(1, days)).toBe(30 * (11 * 2 + 13));
  });

  it("prices nothing it cannot place on the calendar: rate() and at()", () => {
    expect(scheduledMinimumHours(0, [{ schedule: "rate(1 day)", timezone: "UTC", minCapacity: 1 }])).toBeUndefined();
    expect(
      scheduledMinimumHours(0, [{ schedule: "at(2026-02-01T08:00:00)", timezone: "UTC", minCapacity: 1 }]),
    ).toBeUndefined();
  });
});
