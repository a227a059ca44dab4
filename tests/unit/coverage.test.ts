import { describe, expect, it } from "vitest";
import {
  coverageRange,
  describeAsOf,
  describeCoverage,
  effectiveAsOf,
  isCurrent,
  isKnownPeriod,
  unionCoverage,
  windowKnown,
  type Coverage,
} from "../../app/stewardship/coverage";
import { keptWindowParams } from "../../app/stewardship/query-params";

// A clone of CPython main imported with --since 2023-01-01: its newest commit is from New Year's Day 2024.
const clone2023: Coverage = { from: "2023-01-01", to: "2024-01-01", fromStart: false };
// A whole history, as the demo or a git import without --since: nothing happened before its first day.
const wholeHistory: Coverage = { from: "2024-10-28", to: "2026-11-27", fromStart: true };
const today = "2026-11-27";

describe("effectiveAsOf", () => {
  it.each([
    ["no data at all: today", undefined, null, { asOf: today, reason: "today" }],
    [
      "today past an old clone: the newest data day",
      undefined,
      clone2023,
      { asOf: "2024-01-01", reason: "newest-data" },
    ],
    ["data ending today: today", undefined, wholeHistory, { asOf: today, reason: "today" }],
    [
      "data ending 7 days ago is current",
      undefined,
      { ...wholeHistory, to: "2026-11-20" },
      { asOf: today, reason: "today" },
    ],
    [
      "data ending 8 days ago is not",
      undefined,
      { ...wholeHistory, to: "2026-11-19" },
      { asOf: "2026-11-19", reason: "newest-data" },
    ],
    [
      "an asked-for day after the data is honoured",
      "2025-06-30",
      clone2023,
      { asOf: "2025-06-30", reason: "requested" },
    ],
    [
      "an asked-for day before the data is honoured",
      "2022-06-30",
      clone2023,
      { asOf: "2022-06-30", reason: "requested" },
    ],
  ] as const)("%s", (_, requested, coverage, expected) => {
    expect(effectiveAsOf(requested, today, coverage)).toEqual(expected);
  });
});

describe("describeAsOf", () => {
  const notes = (
    asOf: string,
    reason: "requested" | "today" | "newest-data",
    coverage: Coverage | null,
    windowDays = 180,
  ) => describeAsOf({ asOf, reason, today, windowDays, coverage });

  it.each([
    [
      "the defaulted newest day says so",
      "2024-01-01",
      "newest-data",
      clone2023,
      180,
      ["Showing 2024-01-01, the newest data; today is 2026-11-27."],
    ],
    ["a day inside the data with a covered window: nothing", "2023-12-31", "requested", clone2023, 180, []],
    [
      "a day after the data",
      "2025-06-30",
      "requested",
      clone2023,
      180,
      ["2025-06-30 is after the newest data (2024-01-01): counts after it are not known."],
    ],
    [
      "a day before the data",
      "2022-06-30",
      "requested",
      clone2023,
      180,
      ["2022-06-30 is before the data starts (2023-01-01): counts up to it are not known."],
    ],
    [
      "a window reaching before --since",
      "2023-03-31",
      "requested",
      clone2023,
      180,
      [
        "The 180-day window ending 2023-03-31 starts before the data (2023-01-01): only 90 of its days are known, so counts may be low.",
      ],
    ],
    ["a 90-day window that fits", "2023-03-31", "requested", clone2023, 90, []],
    ["a window reaching before a whole history's first day is known", "2025-01-31", "requested", wholeHistory, 180, []],
    ["current data on today: nothing", today, "today", wholeHistory, 180, []],
    ["no data: nothing beyond the coverage line", today, "today", null, 180, []],
  ] as const)("%s", (_, asOf, reason, coverage, windowDays, expected) => {
    expect(notes(asOf, reason, coverage, windowDays)).toEqual(expected);
  });
});

describe("isKnownPeriod: a number is known only when the data covers every day it measures", () => {
  it.each([
    // Bus-factor points of the 2023 clone with a 180-day window, as of each month's end.
    ["Dec 2022: before the data", "2022-07-05", "2022-12-31", clone2023, false],
    ["Jan 2023: the window mostly before --since", "2022-08-05", "2023-01-31", clone2023, false],
    ["28 Jun 2023: one day short", "2022-12-31", "2023-06-28", clone2023, false],
    ["29 Jun 2023: coverage.from + 180 - 1, the first whole window", "2023-01-01", "2023-06-29", clone2023, true],
    ["Dec 2023", "2023-07-05", "2023-12-31", clone2023, true],
    ["the newest data day", "2023-07-06", "2024-01-01", clone2023, true],
    ["Jan 2024 ends after the data", "2023-08-05", "2024-01-31", clone2023, false],
    // A whole history: windows reaching before its first day are known (nothing happened then).
    ["before a whole history", "2024-05-05", "2024-10-31", wholeHistory, true],
    ["today on current data", "2026-06-01", today, wholeHistory, true],
    ["today on data 5 days old", "2026-06-01", today, { ...wholeHistory, to: "2026-11-22" }, true],
    ["nothing stored", "2026-06-01", today, null, false],
  ] as const)("%s", (_, first, last, coverage, expected) => {
    expect(isKnownPeriod(first, last, coverage, today)).toBe(expected);
  });

  it("marks a trend point by the window ending on it", () => {
    const known = windowKnown(90, clone2023, today);
    expect([known("2023-03-30"), known("2023-03-31"), known("2024-01-01"), known("2024-01-31")]).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});

describe("unionCoverage", () => {
  it.each([
    ["nothing", [], null],
    ["one source", [clone2023], clone2023],
    [
      "a git import and a later GitHub sync",
      [clone2023, { from: "2024-01-01", to: today, fromStart: false }],
      { from: "2023-01-01", to: today, fromStart: false },
    ],
    [
      "the earliest source decides whether the history is whole",
      [
        { from: "2024-01-01", to: today, fromStart: false },
        { from: "2019-05-01", to: "2023-12-31", fromStart: true },
      ],
      { from: "2019-05-01", to: today, fromStart: true },
    ],
    [
      "a later whole history does not make an earlier --since whole",
      [clone2023, { from: "2024-06-01", to: today, fromStart: true }],
      { from: "2023-01-01", to: today, fromStart: false },
    ],
  ] as const)("%s", (_, sources, expected) => {
    expect(unionCoverage(sources)).toEqual(expected);
  });
});

describe("what pages and the API say", () => {
  it("states the range, or that nothing is imported", () => {
    expect(describeCoverage(clone2023)).toBe("Data from 2023-01-01 to 2024-01-01.");
    expect(describeCoverage(null)).toBe("No data imported yet.");
    expect(coverageRange(clone2023)).toEqual({ from: "2023-01-01", to: "2024-01-01" });
    expect(coverageRange(null)).toEqual({ from: null, to: null });
  });

  it("counts data ending within a week as current", () => {
    expect(isCurrent({ ...clone2023, to: "2026-11-20" }, today)).toBe(true);
    expect(isCurrent({ ...clone2023, to: "2026-11-19" }, today)).toBe(false);
  });
});

describe("keptWindowParams: what a link carries on", () => {
  it.each([
    ["nothing set", "", ""],
    ["all three", "?asOf=2023-12-31&window=90&min=3", "asOf=2023-12-31&window=90&min=3"],
    ["only what was set, without other filters", "?stage=backend&min=3&page=2", "min=3"],
    ["empty values are not kept", "?asOf=&window=90", "window=90"],
    ["invalid values are not kept", "?asOf=2026-02-30&window=0&min=3", "min=3"],
  ])("%s", (_, search, expected) => {
    expect(keptWindowParams(search).toString()).toBe(expected);
  });
});
