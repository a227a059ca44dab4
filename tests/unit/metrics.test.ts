import { describe, expect, it } from "vitest";
import {
  addDays,
  contributorAbsenceFactor,
  countQualifyingPerWindow,
  creditedParts,
  creditInWindow,
  dayNumber,
  toDayWindow,
  type Credit,
  type DayWindow,
  describeStatus,
  goalStatus,
  isValidDate,
  lastQualifyingDay,
  dayToDate,
  qualifies,
  trendPoints,
  windowEndingOn,
} from "../../app/stewardship/metrics";

describe("goalStatus", () => {
  it.each([
    [3, 2, "met"],
    [2, 2, "met"],
    [1, 2, "at-risk"],
    [0, 2, "unmet"],
    [1, 3, "unmet"],
    [2, 3, "at-risk"],
    [0, 1, "unmet"],
  ] as const)("%i of %i is %s", (count, goal, status) => {
    expect(goalStatus(count, goal)).toBe(status);
  });

  it("says it in words", () => {
    expect(describeStatus("at-risk", 1, 2)).toBe("At risk: 1 active maintainer, one below the goal of 2");
    expect(describeStatus("met", 4, 2)).toBe("Goal met: 4 active maintainers of 2 wanted");
  });
});

describe("windowEndingOn", () => {
  it("covers the window's whole days ending with asOf, half-open", () => {
    expect(windowEndingOn("2026-06-30", 180)).toEqual({ from: "2026-01-02T00:00:00Z", to: "2026-07-01T00:00:00Z" });
    expect(windowEndingOn("2024-03-01", 1)).toEqual({ from: "2024-03-01T00:00:00Z", to: "2024-03-02T00:00:00Z" });
  });

  it("puts a contribution at the last second of asOf inside and the first second after outside", () => {
    const { from, to } = windowEndingOn("2026-06-30", 180);
    const inside = (t: string) => t >= from && t < to;
    expect(inside("2026-06-30T23:59:59Z")).toBe(true);
    expect(inside("2026-07-01T00:00:00Z")).toBe(false);
    expect(inside("2026-01-02T00:00:00Z")).toBe(true);
    expect(inside("2026-01-01T23:59:59Z")).toBe(false);
  });

  it("rejects impossible dates", () => {
    expect(isValidDate("2026-02-30")).toBe(false);
    expect(isValidDate("2026-2-3")).toBe(false);
    expect(isValidDate("2024-02-29")).toBe(true);
    expect(() => windowEndingOn("2026-13-01", 10)).toThrow(RangeError);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
  });
});

describe("trendPoints", () => {
  it("gives one point per month ending on asOf", () => {
    const points = trendPoints("2026-03-17", 3);
    expect(points).toEqual([
      { month: "2026-01", asOf: "2026-01-31" },
      { month: "2026-02", asOf: "2026-02-28" },
      { month: "2026-03", asOf: "2026-03-17" },
    ]);
    expect(trendPoints("2026-01-05", 24)).toHaveLength(24);
    expect(trendPoints("2026-01-05", 24)[0]?.month).toBe("2024-02");
  });
});

describe("contributorAbsenceFactor", () => {
  it.each([
    [[], 0],
    [[10], 1],
    [[5, 5], 1],
    [[4, 3, 3], 2],
    [[1, 1, 1, 1, 1], 3],
    [[1, 9, 1, 1], 1],
  ])("%j → %i", (counts, expected) => {
    expect(contributorAbsenceFactor(counts)).toBe(expected);
  });
});

describe("countQualifyingPerWindow", () => {
  function bruteForce(people: Credit[][], windows: DayWindow[], min: number): number[] {
    return windows.map(
      (w) =>
        people.filter(
          (credits) => credits.filter((c) => c.day >= w.from && c.day < w.to).reduce((s, c) => s + c.weight, 0) >= min,
        ).length,
    );
  }

  it("counts a person in exactly the windows where their credit reaches min", () => {
    const day = (date: string) => dayNumber(date);
    const windows = trendPoints("2026-06-30", 6).map((p) => toDayWindow(windowEndingOn(p.asOf, 60)));
    const people: Credit[][] = [
      [
        { day: day("2026-01-10"), weight: 1 },
        { day: day("2026-02-20"), weight: 1 },
      ],
      // Two half-weight reviews and a commit: 2 in the window ending Mar 31 (from Jan 31); the
      // window ending Apr 30 starts on Mar 2, so the Mar 1 review has dropped out: 1.5.
      [
        { day: day("2026-03-01"), weight: 0.5 },
        { day: day("2026-03-02"), weight: 0.5 },
        { day: day("2026-03-20"), weight: 1 },
      ],
      [{ day: day("2026-06-30"), weight: 2 }],
    ];
    expect(countQualifyingPerWindow(people, windows, 2)).toEqual([0, 1, 1, 0, 0, 1]);
    expect(countQualifyingPerWindow(people, windows, 2)).toEqual(bruteForce(people, windows, 2));
  });

  it("agrees with a brute-force count on random histories", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 20; round++) {
      const people = Array.from({ length: 15 }, () =>
        Array.from({ length: Math.floor(random() * 12) }, () => ({
          day: 20000 + Math.floor(random() * 800),
          weight: random() < 0.3 ? 0.5 : 1,
        })).sort((a, b) => a.day - b.day),
      );
      const windowDays = 30 + Math.floor(random() * 200);
      const windows = trendPoints("2026-03-15", 24).map((p) => toDayWindow(windowEndingOn(p.asOf, windowDays)));
      const min = 1 + Math.floor(random() * 3);
      expect(countQualifyingPerWindow(people, windows, min)).toEqual(bruteForce(people, windows, min));
    }
  });

  it("sums a window's credit", () => {
    const credits = [
      { day: 100, weight: 1 },
      { day: 105, weight: 0.5 },
      { day: 110, weight: 1 },
    ];
    expect(creditInWindow(credits, { from: 100, to: 110 })).toEqual({ contributions: 2, credit: 1.5 });
    expect(dayNumber("1970-01-02T00:00:00Z")).toBe(1);
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(dayNumber("1970-01-01T23:59:59Z")).toBe(0);
  });
});

describe("lastQualifyingDay", () => {
  const day = (date: string) => dayNumber(date);
  it("is the last day the window still holds the credits that reach min, checked against the window itself", () => {
    const credits: Credit[] = [
      { day: day("2026-03-01"), weight: 1 },
      { day: day("2026-06-10"), weight: 0.5 },
      { day: day("2026-06-20"), weight: 1 },
      { day: day("2026-05-01"), weight: 1 },
    ];
    // Newest first: 06-20 (1), 06-10 (1.5), 05-01 (2.5 >= 2): the 2026-05-01 credit is the one to keep.
    const last = lastQualifyingDay(credits, 180, 2);
    expect(last).not.toBeNull();
    const lastDate = dayToDate(last ?? 0);
    expect(lastDate).toBe(addDays("2026-05-01", 179));
    const creditOn = (asOf: string) => creditInWindow(credits, toDayWindow(windowEndingOn(asOf, 180))).credit;
    expect(creditOn(lastDate)).toBeGreaterThanOrEqual(2);
    expect(creditOn(addDays(lastDate, 1))).toBeLessThan(2);
  });

  it("is null when the credits never reach min", () => {
    expect(
      lastQualifyingDay(
        [
          { day: 100, weight: 0.5 },
          { day: 90, weight: 1 },
        ],
        180,
        2,
      ),
    ).toBeNull();
    expect(lastQualifyingDay([], 180, 1)).toBeNull();
  });
});

describe("qualifies", () => {
  it.each([
    [2, 2, true],
    [2.5, 2, true],
    [1.5, 2, false],
    [0, 1, false],
    // A sum of configured weights such as 0.1 that binary floating point cannot hold exactly.
    [0.1 + 0.2, 0.3, true],
    [0.7 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1, 1.6, true],
    [2 - 1e-6, 2, false],
  ])("credit %s against %s: %s", (credit, minCredit, expected) => {
    expect(qualifies(credit, minCredit)).toBe(expected);
  });
});

describe("creditedParts", () => {
  const mergedAt = "2026-03-17T14:02:11Z";
  it.each([
    {
      name: "an author and an approving reviewer each count once, the review on its own day",
      parts: [
        { personId: 1, weight: 1, occurredAt: null },
        { personId: 2, weight: 1, occurredAt: "2026-03-16T09:30:00Z" },
      ],
      expected: [
        { personId: 1, weight: 1, occurredAt: mergedAt },
        { personId: 2, weight: 1, occurredAt: "2026-03-16T09:30:00Z" },
      ],
    },
    {
      name: "an author who also reviewed counts once, as the author",
      parts: [
        { personId: 1, weight: 0.5, occurredAt: "2026-03-10T08:00:00Z" },
        { personId: 1, weight: 1, occurredAt: null },
      ],
      expected: [{ personId: 1, weight: 1, occurredAt: mergedAt }],
    },
    {
      name: "of equal parts the first counts",
      parts: [
        { personId: 3, weight: 0.5, occurredAt: "2026-03-11T10:00:00Z" },
        { personId: 3, weight: 0.5, occurredAt: "2026-03-15T10:00:00Z" },
      ],
      expected: [{ personId: 3, weight: 0.5, occurredAt: "2026-03-11T10:00:00Z" }],
    },
    {
      name: "a review that only commented earns nothing",
      parts: [
        { personId: 1, weight: 1, occurredAt: null },
        { personId: 4, weight: 0, occurredAt: "2026-03-12T10:00:00Z" },
      ],
      expected: [{ personId: 1, weight: 1, occurredAt: mergedAt }],
    },
    { name: "nobody took part", parts: [], expected: [] },
  ])("$name", ({ parts, expected }) => {
    expect(creditedParts(parts, mergedAt)).toEqual(expected);
  });
});

describe("dayNumber and dayToDate, by arithmetic", () => {
  // What they were before they were read digit by digit: Date.parse and toISOString.
  const parsed = (iso: string) => Math.floor(Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) / 86_400_000);
  const formatted = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

  it("agree with Date on every day from 1600 to 2400, as dates and as Steward's timestamps", () => {
    const mismatches: string[] = [];
    for (let day = parsed("1600-01-01"); day <= parsed("2400-12-31"); day++) {
      const date = formatted(day);
      if (dayToDate(day) !== date) mismatches.push(`dayToDate(${day})`);
      for (const iso of [date, `${date}T00:00:00Z`, `${date}T23:59:59Z`]) {
        if (dayNumber(iso) !== day) mismatches.push(iso);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it.each([
    "2025-02-29", // rolls over into March, as Date.parse does
    "2025-04-31T10:00:00Z",
    "2025-01-01T24:00:00Z", // midnight at the end of the day: Date.parse's next day
    "2025-01-01T10:00:00+02:00",
    "2025-01-01T10:00:00.123Z",
    "1969-12-31T23:59:59Z",
    "2025-1-01", // not Steward's form: left to Date.parse
  ])("reads %s as Date.parse does", (iso) => {
    expect(dayNumber(iso)).toBe(parsed(iso));
  });

  it.each(["2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32", "2025-01-01T23:59:60Z", "yesterday"])(
    "finds no day in %s, as Date.parse does not",
    (iso) => {
      expect(dayNumber(iso)).toBeNaN();
    },
  );
});
