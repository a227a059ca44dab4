import { describe, expect, it } from "vitest";
import { composeStageReport, reportWindows, type PersonCredits } from "../../app/stewardship/bus-factor";
import type { StageConfig } from "../../app/stewardship/config";
import { addDays, dayNumber, type Credit } from "../../app/stewardship/metrics";

const asOf = "2026-06-30";
const windows = reportWindows(asOf, 180);
const middleEnd: StageConfig = {
  id: "middle-end",
  name: "Middle-end",
  description: "The trace optimizer: Python/optimizer.c, Python/optimizer_bytecodes.c",
  goal: 2,
};

/** Credits on the given dates, oldest first as the model reads them. */
const credits = (...entries: Array<[string, number]>): Credit[] =>
  entries.map(([date, weight]) => ({ day: dayNumber(date), weight })).sort((a, b) => a.day - b.day);
const person = (id: number, name: string, list: Credit[]): PersonCredits => ({
  person: { id, login: name.toLowerCase().replace(/ /g, ""), name },
  credits: list,
});

const brandt = person(1, "Brandt Bucher", credits(["2026-02-03", 1], ["2026-04-21", 1], ["2026-06-02", 0.5]));
const ken = person(2, "Ken Jin", credits(["2026-05-11", 1], ["2026-06-18", 1]));
const savannah = person(3, "Savannah Ostrowski", credits(["2026-06-25", 1], ["2026-06-26", 0.5]));
// Two contributions, both before the window: counted in the trend, not now.
const mark = person(4, "Mark Shannon", credits(["2025-09-01", 1], ["2025-10-01", 1]));

describe("reportWindows", () => {
  it("reads from the first trend window's start to the end of asOf", () => {
    expect(windows.window).toEqual({ from: "2026-01-02T00:00:00Z", to: "2026-07-01T00:00:00Z" });
    expect(windows.points).toHaveLength(24);
    expect(windows.points.at(-1)).toEqual({ month: "2026-06", asOf });
    expect(windows.span).toEqual({ from: `${addDays("2024-07-31", -179)}T00:00:00Z`, to: "2026-07-01T00:00:00Z" });
    expect(windows.trend.at(-1)).toEqual(windows.current);
  });
});

describe("composeStageReport", () => {
  it.each([
    {
      name: "two people reach the rule: the goal is met",
      people: [ken, brandt, savannah, mark],
      minCredit: 2,
      maintainers: ["Brandt Bucher", "Ken Jin"],
      others: ["Savannah Ostrowski"],
      status: "met",
      statusText: "Goal met: 2 active maintainers of 2 wanted",
    },
    {
      name: "a higher bar leaves one: at risk",
      people: [ken, brandt, savannah, mark],
      minCredit: 2.5,
      maintainers: ["Brandt Bucher"],
      others: ["Ken Jin", "Savannah Ostrowski"],
      status: "at-risk",
      statusText: "At risk: 1 active maintainer, one below the goal of 2",
    },
    {
      name: "only work from before the window: nobody counts",
      people: [mark],
      minCredit: 2,
      maintainers: [],
      others: [],
      status: "unmet",
      statusText: "Goal not met: 0 active maintainers of 2 wanted",
    },
  ])("$name", ({ people, minCredit, maintainers, others, status, statusText }) => {
    const report = composeStageReport(middleEnd, people, windows, minCredit);
    expect(report).toMatchObject({ id: "middle-end", name: "Middle-end", goal: 2, status, statusText });
    expect(report.activeMaintainers.map((p) => p.name)).toEqual(maintainers);
    expect(report.otherContributors.map((p) => p.name)).toEqual(others);
  });

  it("ranks by credit, then contributions, and says until when each maintainer counts", () => {
    const report = composeStageReport(middleEnd, [ken, brandt, savannah], windows, 2);
    expect(report.activeMaintainers).toEqual([
      // 2.5 credit, but only all three reach 2: they count until the oldest, 2026-02-03, leaves the window.
      { ...brandt.person, contributions: 3, credit: 2.5, countsUntil: addDays("2026-02-03", 179) },
      { ...ken.person, contributions: 2, credit: 2, countsUntil: addDays("2026-05-11", 179) },
    ]);
    expect(report.otherContributors).toEqual([{ ...savannah.person, contributions: 2, credit: 1.5 }]);
    // Brandt and Ken made 5 of the 7 contributions; either alone has fewer than half.
    expect(report.contributorAbsenceFactor).toBe(2);
  });

  it("counts active maintainers at each month's end", () => {
    const report = composeStageReport(middleEnd, [ken, brandt, savannah, mark], windows, 2);
    const trend = Object.fromEntries(report.trend.map((point) => [point.month, point.value]));
    expect(report.trend).toHaveLength(24);
    expect(trend["2025-08"]).toBe(0);
    expect(trend["2025-10"]).toBe(1); // Mark's two
    expect(trend["2026-01"]).toBe(1);
    expect(trend["2026-02"]).toBe(0); // Mark's first has left the window; Brandt has one
    expect(trend["2026-04"]).toBe(1); // Brandt has two
    expect(trend["2026-06"]).toBe(2);
    expect(report.trend.at(-1)).toEqual({ month: "2026-06", asOf, value: report.activeMaintainers.length });
  });

  it("says who joined and who lapsed in the months the count changed", () => {
    const report = composeStageReport(middleEnd, [ken, brandt, savannah, mark], windows, 2);
    expect(report.trendChanges).toEqual([
      { month: "2025-10", joined: ["Mark Shannon"], lapsed: [] },
      { month: "2026-02", joined: [], lapsed: ["Mark Shannon"] },
      { month: "2026-04", joined: ["Brandt Bucher"], lapsed: [] },
      { month: "2026-06", joined: ["Ken Jin"], lapsed: [] },
    ]);
    // Every change of the count is explained, and nothing else is listed.
    report.trend.forEach((point, k) => {
      if (k === 0) return;
      const change = report.trendChanges.find((c) => c.month === point.month);
      const delta = (change?.joined.length ?? 0) - (change?.lapsed.length ?? 0);
      expect(delta).toBe(point.value - (report.trend[k - 1]?.value ?? 0));
    });
  });
});
