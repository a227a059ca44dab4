import { describe, expect, it } from "vitest";
import { creditTrend, describeCredit, idlePlanNote, planFields } from "../../app/stewardship/mentoring";
import { dayNumber } from "../../app/stewardship/metrics";

describe("idlePlanNote", () => {
  it.each([
    ["active", "2026-10-01T09:00:00Z", "2026-01-01T00:00:00Z", "2026-11-27", null],
    ["active", "2026-09-28T09:00:00Z", "2026-01-01T00:00:00Z", "2026-11-27", "no work in the stage for 60 days"],
    ["active", null, "2026-08-01T00:00:00Z", "2026-11-27", "no work in the stage since the plan began 118 days ago"],
    ["active", null, "2026-11-01T00:00:00Z", "2026-11-27", null],
    ["paused", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2026-11-27", null],
  ] as const)("%s plan, mentee last active %s → %s", (status, menteeLastActive, createdAt, asOf, expected) => {
    expect(idlePlanNote({ status, menteeLastActive, createdAt }, asOf)).toBe(expected);
  });
});

describe("creditTrend", () => {
  const day = (date: string) => dayNumber(date);
  it("measures the credit in the window at each month's end, the last point at asOf", () => {
    const credits = [
      { day: day("2026-03-10"), weight: 1 },
      { day: day("2026-08-02"), weight: 0.5 },
      { day: day("2026-08-20"), weight: 0.5 },
      { day: day("2026-11-20"), weight: 1 },
    ];
    const trend = creditTrend(credits, { asOf: "2026-11-27", windowDays: 90, months: 6 });
    expect(trend).toEqual([
      // 90 days ending 2026-06-30 start on 2026-04-02: the March commit has already left the window.
      { month: "2026-06", asOf: "2026-06-30", credit: 0 },
      { month: "2026-07", asOf: "2026-07-31", credit: 0 },
      { month: "2026-08", asOf: "2026-08-31", credit: 1 },
      { month: "2026-09", asOf: "2026-09-30", credit: 1 },
      // 90 days ending 2026-10-31 start on 2026-08-03: the review of 2 August has left it.
      { month: "2026-10", asOf: "2026-10-31", credit: 0.5 },
      // 90 days ending 2026-11-27 start on 2026-08-30: both August reviews have left it.
      { month: "2026-11", asOf: "2026-11-27", credit: 1 },
    ]);
  });

  it("counts a credit on the window's first day and not on the day after asOf", () => {
    const trend = creditTrend(
      [
        { day: day("2026-08-30"), weight: 1 },
        { day: day("2026-11-28"), weight: 1 },
      ],
      { asOf: "2026-11-27", windowDays: 90, months: 1 },
    );
    expect(trend).toEqual([{ month: "2026-11", asOf: "2026-11-27", credit: 1 }]);
  });

  it("is zero everywhere for a mentee with no credit", () => {
    expect(creditTrend([], { asOf: "2026-11-27", windowDays: 180 }).map((p) => p.credit)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("describeCredit", () => {
  it.each([
    [0, 2, "0 of the 2 needed"],
    [1.5, 2, "1.5 of the 2 needed"],
    [2, 2, "2 of the 2 needed: counts as a maintainer"],
    [3.5, 2, "3.5 of the 2 needed: counts as a maintainer"],
  ])("%d of %d → %s", (credit, min, text) => {
    expect(describeCredit(credit, min)).toBe(text);
  });
});

describe("planFields", () => {
  it("takes @login as login, and refuses an empty aim and more than 20 tasks, naming why", () => {
    expect(planFields.mentee.parse(" @twren ")).toBe("twren");
    expect(planFields.mentor.safeParse("not a login").success).toBe(false);
    expect(planFields.aim.safeParse("  ").error?.issues[0]?.message).toBe("must say what the plan aims at");
    const tasks = Array.from({ length: 21 }, (_, i) => String(140000 + i));
    expect(planFields.tasks.safeParse(tasks).error?.issues[0]?.message).toBe("may pick at most 20 starter tasks");
  });
});
