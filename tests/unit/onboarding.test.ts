import { describe, expect, it } from "vitest";
import { taskIdentifier } from "../../app/stewardship/checklist";
import { dayNumber } from "../../app/stewardship/metrics";
import {
  cohorts,
  firstQualifyingDay,
  funnelReport,
  groupTracks,
  median,
  overallJourneys,
  quarterOf,
  recentArrivals,
  stageHistories,
  stageJourneys,
  takesUp,
  trackConversions,
  type MergedContribution,
  type PullRequestTiming,
  type StageCredit,
  type TrackTask,
} from "../../app/stewardship/onboarding";

const day = (date: string) => dayNumber(date);
const authored = (contributionId: number, date: string): StageCredit => ({
  contributionId,
  day: day(date),
  weight: 1,
  authored: true,
});
const reviewed = (contributionId: number, date: string, weight = 1): StageCredit => ({
  contributionId,
  day: day(date),
  weight,
  authored: false,
});

const rule = { asOfDay: day("2025-12-31"), returnWindowDays: 90, windowDays: 180, minCredit: 2 };

// The middle-end's hand-made history (people 1–5):
// - Mira (1), there before the data's stage work (project work in 2023), arrives 2024-01-10, back 22 days later;
// - Tomasz (2) arrives through the checklist item for _BINARY_OP (#1001, his first work on the project at
//   all), returns 35 days later and so meets the rule (two contributions in 180 days) on 2024-05-20;
// - Priya (3) arrives 2024-05-01 and is back only after 153 days: not a return, yet a maintainer then;
// - Rex (4) only reviews: he never arrived as a newcomer;
// - Lucas (5) arrived 46 days before the as-of day: his return is still awaited.
const middleEnd = new Map<number, StageCredit[]>([
  [1, [authored(101, "2024-01-10"), authored(102, "2024-02-01"), authored(204, "2024-03-01")]],
  [2, [authored(201, "2024-04-15"), authored(206, "2024-05-20")]],
  [3, [authored(301, "2024-05-01"), authored(302, "2024-10-01")]],
  [4, [reviewed(201, "2024-04-10"), reviewed(301, "2024-05-02")]],
  [5, [authored(205, "2025-11-15")]],
]);
const firstProjectDay = new Map([
  [1, day("2023-06-01")],
  [2, day("2024-04-15")],
  [3, day("2024-05-01")],
  [5, day("2025-11-15")],
]);

describe("firstQualifyingDay", () => {
  it.each([
    ["two contributions 179 days apart", [0, 179], 179],
    ["two contributions 180 days apart never share a window", [0, 180], null],
    ["the third brings back a lapsed pair", [0, 180, 200], 200],
  ])("%s", (_, days, expected) => {
    const credits = days.map((d) => ({ day: d, weight: 1 }));
    expect(firstQualifyingDay(credits, { windowDays: 180, minCredit: 2, asOfDay: 1000 })).toBe(expected);
  });

  it("counts every credit of a day before judging it, reviews at their weight", () => {
    const credits = [
      { day: 5, weight: 0.5 },
      { day: 5, weight: 0.5 },
      { day: 5, weight: 1 },
    ];
    expect(firstQualifyingDay(credits, { windowDays: 180, minCredit: 2, asOfDay: 10 })).toBe(5);
    expect(firstQualifyingDay(credits, { windowDays: 180, minCredit: 2.5, asOfDay: 10 })).toBeNull();
  });

  it("ignores work after the as-of day", () => {
    expect(
      firstQualifyingDay(
        [
          { day: 1, weight: 1 },
          { day: 20, weight: 1 },
        ],
        { windowDays: 180, minCredit: 2, asOfDay: 19 },
      ),
    ).toBeNull();
  });
});

describe("stageJourneys", () => {
  const journeys = stageJourneys(middleEnd, firstProjectDay, rule);
  const of = (personId: number) => journeys.find((j) => j.personId === personId);

  it("dates each step: arrival, the second contribution, the return, the rule", () => {
    expect(of(2)).toEqual({
      personId: 2,
      arrivedOn: "2024-04-15",
      arrivalContributionId: 201,
      firstToProject: true,
      secondOn: "2024-05-20",
      returnedOn: "2024-05-20",
      returnPending: false,
      maintainerOn: "2024-05-20",
      contributions: 2,
    });
    expect(of(1)).toMatchObject({ arrivedOn: "2024-01-10", firstToProject: false, returnedOn: "2024-02-01" });
    expect(of(1)?.maintainerOn).toBe("2024-02-01");
  });

  it("a second contribution after the return window is no return, and the rule is its own step", () => {
    expect(of(3)).toMatchObject({
      secondOn: "2024-10-01",
      returnedOn: null,
      returnPending: false,
      maintainerOn: "2024-10-01",
    });
  });

  it("leaves out people who only reviewed, and waits for recent arrivals", () => {
    expect(of(4)).toBeUndefined();
    expect(of(5)).toMatchObject({ returnedOn: null, returnPending: true, maintainerOn: null });
    expect(journeys.map((j) => j.personId)).toEqual([1, 2, 3, 5]);
  });

  it("as of an earlier day, later work does not exist yet", () => {
    const early = stageJourneys(middleEnd, firstProjectDay, { ...rule, asOfDay: day("2024-05-01") });
    expect(early.find((j) => j.personId === 2)).toMatchObject({
      secondOn: null,
      returnPending: true,
      maintainerOn: null,
      contributions: 1,
    });
    expect(early.map((j) => j.personId)).toEqual([1, 2, 3]);
  });
});

describe("cohorts and the funnel", () => {
  const journeys = stageJourneys(middleEnd, firstProjectDay, rule);
  const prs: PullRequestTiming[] = [
    // Tomasz's arrival: reviewed after 3 days, merged after 10.
    {
      contributionId: 201,
      openedAt: "2024-04-05T10:00:00Z",
      firstReviewAt: "2024-04-08T10:00:00Z",
      mergedAt: "2024-04-15T10:00:00Z",
    },
    // Mira's: reviewed after a day, merged after 2.
    {
      contributionId: 207,
      openedAt: "2024-04-20T10:00:00Z",
      firstReviewAt: "2024-04-21T10:00:00Z",
      mergedAt: "2024-04-22T10:00:00Z",
    },
    // Still open, never reviewed.
    { contributionId: 208, openedAt: "2024-06-30T10:00:00Z", firstReviewAt: null, mergedAt: null },
  ];

  it("groups arrivals by quarter with what became of them", () => {
    const rows = cohorts(journeys, prs);
    expect(rows.map((c) => c.quarter)).toEqual(["2024-Q1", "2024-Q2", "2025-Q4"]);
    expect(rows[0]).toMatchObject({
      arrived: 1,
      newToProject: 0,
      returned: 1,
      maintainers: 1,
      medianDaysToSecond: 22,
      medianDaysToMaintainer: 22,
    });
    expect(rows[1]).toMatchObject({
      arrived: 2,
      newToProject: 2,
      returned: 1,
      pending: 0,
      maintainers: 2,
      medianDaysToSecond: 94,
      medianDaysToMaintainer: 94,
    });
    expect(rows[2]).toMatchObject({ arrived: 1, returned: 0, pending: 1, maintainers: 0, medianDaysToSecond: null });
  });

  it("sets newcomers' pull requests beside everyone's", () => {
    const q2 = cohorts(journeys, prs)[1];
    expect(q2?.pullRequests.everyone).toEqual({
      count: 3,
      reviewed: 2,
      medianDaysToFirstReview: 2,
      merged: 2,
      medianDaysToMerge: 6,
    });
    expect(q2?.pullRequests.newcomers).toEqual({
      count: 1,
      reviewed: 1,
      medianDaysToFirstReview: 3,
      merged: 1,
      medianDaysToMerge: 10,
    });
  });

  it("sums the steps over every cohort", () => {
    const report = funnelReport(journeys, prs);
    expect(report.steps).toEqual({ arrived: 4, newToProject: 3, returned: 2, pending: 1, maintainers: 3 });
    expect(report.medianDaysToSecond).toBe(35);
    expect(report.medianDaysToMaintainer).toBe(35);
  });

  it("lists who arrived in the last 90 days", () => {
    expect(recentArrivals(journeys, rule.asOfDay, 90).map((j) => j.personId)).toEqual([5]);
    expect(recentArrivals(journeys, day("2024-05-20"), 90).map((j) => j.personId)).toEqual([3, 2]);
  });

  it.each([
    [[], null],
    [[3], 3],
    [[10, 2], 6],
    [[1, 5, 2], 2],
    [[0.25, 0.3], 0.3],
  ])("median of %j is %s", (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it.each([
    ["2024-01-01", "2024-Q1"],
    ["2024-03-31", "2024-Q1"],
    ["2024-04-01", "2024-Q2"],
    ["2025-12-31T23:00:00Z", "2025-Q4"],
  ])("%s is in %s", (date, quarter) => {
    expect(quarterOf(date)).toBe(quarter);
  });
});

describe("overallJourneys", () => {
  it("arrives with the first stage, returns to any, and meets the rule in one stage, not summed", () => {
    const frontend = new Map([[7, [authored(701, "2024-01-01")]]]);
    const backend = new Map([[7, [authored(702, "2024-03-01")]]]);
    const stages = [frontend, backend].map((credits) => stageJourneys(credits, new Map(), rule));
    const all = new Map([[7, [authored(701, "2024-01-01"), authored(702, "2024-03-01")]]]);
    const [journey] = overallJourneys(all, new Map(), stages, rule);
    // Two contributions in 180 days, but in two stages: no stage's maintainer.
    expect(journey).toMatchObject({ arrivedOn: "2024-01-01", returnedOn: "2024-03-01", maintainerOn: null });
  });
});

describe("starter-task conversion", () => {
  const task = (key: string, title: string, extra: Partial<TrackTask> = {}): TrackTask => ({
    key,
    stageId: "middle-end",
    issueNumber: 134584,
    umbrellaNumber: 134584,
    title,
    ...extra,
  });
  const tasks = [
    task("134584#1", "Eliminate redundant refcounting from _BINARY_OP"),
    task("134584#2", "Eliminate redundant refcounting from _LOAD_ATTR"),
    task("134584#3", "Eliminate redundant refcounting from _COMPARE_OP"),
    task("146201", "Document the trace recorder's warm-up thresholds", {
      stageId: "middle-end",
      issueNumber: 146201,
      umbrellaNumber: null,
    }),
  ];
  const merged = (
    contributionId: number,
    title: string,
    refs: number[],
    mergedAt: string,
    authorIds: number[],
  ): MergedContribution => ({ contributionId, title, refs, prNumber: null, sha: null, mergedAt, authorIds });
  const contributions = [
    merged(
      201,
      "gh-134584: Eliminate redundant refcounting from _BINARY_OP (#1001)",
      [134584],
      "2024-04-15T10:00:00Z",
      [2],
    ),
    // Names the item but not the umbrella: not the starter task.
    merged(199, "Speed up _BINARY_OP for floats (#999)", [], "2024-04-01T10:00:00Z", [1]),
    // _LOAD_ATTR_MODULE is another uop than _LOAD_ATTR.
    merged(
      203,
      "gh-134584: Eliminate redundant refcounting from _LOAD_ATTR_MODULE (#1002)",
      [134584],
      "2024-06-01T10:00:00Z",
      [3],
    ),
    merged(
      204,
      "gh-134584: Eliminate redundant refcounting from _COMPARE_OP (#1003)",
      [134584],
      "2024-03-01T10:00:00Z",
      [1],
    ),
    merged(205, "gh-146201: Document the warm-up thresholds (#1005)", [146201], "2025-11-15T10:00:00Z", [5]),
  ];
  const journeys = stageJourneys(middleEnd, firstProjectDay, rule);
  const histories = stageHistories(new Map([["middle-end", { credits: middleEnd, journeys }]]));

  it("names a checklist item by its uop, as a PR title does", () => {
    expect(taskIdentifier("Eliminate redundant refcounting from _LOAD_ATTR")).toBe("_LOAD_ATTR");
    expect(takesUp(tasks[1] as TrackTask, contributions[2] as MergedContribution)).toBe(false);
    expect(takesUp(tasks[0] as TrackTask, contributions[1] as MergedContribution)).toBe(false);
    expect(takesUp(tasks[0] as TrackTask, contributions[0] as MergedContribution)).toBe(true);
  });

  it("counts tasks taken up, people, newcomers, returns and maintainers per track", () => {
    const tracks = groupTracks(tasks, [{ number: 134584, title: "Refcount elimination", stage: "middle-end" }]);
    expect(tracks.map((t) => [t.id, t.tasks.length])).toEqual([
      ["gh-134584", 3],
      ["labelled", 1],
    ]);
    const [refcount, labelled] = trackConversions(tracks, contributions, histories, rule);
    expect(refcount).toMatchObject({
      id: "gh-134584",
      title: "Refcount elimination (gh-134584)",
      stageId: "middle-end",
      tasks: 3,
      takenUp: 2,
      people: 2,
      newcomers: 1,
      returned: 1,
      pending: 0,
      maintainers: 1,
    });
    expect(refcount?.takenUpTasks.map((t) => [t.key, t.by.mergedOn, t.people])).toEqual([
      [
        "134584#3",
        "2024-03-01",
        [{ personId: 1, newcomer: false, returned: false, pending: false, maintainer: false }],
      ],
      ["134584#1", "2024-04-15", [{ personId: 2, newcomer: true, returned: true, pending: false, maintainer: true }]],
    ]);
    expect(labelled).toMatchObject({ tasks: 1, takenUp: 1, people: 1, newcomers: 1, returned: 0, pending: 1 });
  });

  it("as of a day before the merge, nothing is taken up", () => {
    const tracks = groupTracks(tasks.slice(0, 1), []);
    const [track] = trackConversions(tracks, contributions, histories, { ...rule, asOfDay: day("2024-04-14") });
    expect(track).toMatchObject({ title: "The checklist of gh-134584", takenUp: 0, people: 0 });
  });
});
