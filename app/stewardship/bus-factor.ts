// The bus-factor report of one stage, composed from its people's credits: who are its active maintainers
// and until when, who else works on it, its status against the goal and its monthly trend.
// Pure: the model fetches the credits, this says what follows from them.
import type { StageConfig } from "./config";
import {
  contributorAbsenceFactor,
  countQualifyingPerWindow,
  creditInWindow,
  dayToDate,
  describeCount,
  describeStatus,
  goalStatus,
  lastQualifyingDay,
  qualifies,
  qualifiesPerWindow,
  toDayWindow,
  trendPoints,
  windowEndingOn,
  type Credit,
  type DayWindow,
  type GoalStatus,
  type TimeWindow,
  type TrendPoint,
} from "./metrics";

export interface StageContributor {
  id: number;
  login: string | null;
  name: string;
  /** Contributions to the stage in the window. */
  contributions: number;
  /** Their weighted sum, compared with the rule's minimum credit. */
  credit: number;
}

export interface ActiveMaintainer extends StageContributor {
  /** The last day they still meet the rule if they do no more work (`YYYY-MM-DD`). */
  countsUntil: string;
}

export interface MonthlyCount {
  month: string;
  asOf: string;
  value: number;
}

export interface StageReport {
  id: string;
  name: string;
  description: string;
  goal: number;
  status: GoalStatus;
  statusText: string;
  activeMaintainers: ActiveMaintainer[];
  /** Everyone with credited work in the window who is not (yet) an active maintainer. */
  otherContributors: StageContributor[];
  contributorAbsenceFactor: number;
  /** Active maintainers at each of the last 24 month ends (the last point is `asOf`). */
  trend: MonthlyCount[];
  /** The months of the trend where someone started or stopped counting, and who. */
  trendChanges: TrendChange[];
}

/** Who started (joined) and who stopped (lapsed) counting at a trend point, against the month before. */
export interface TrendChange {
  month: string;
  joined: string[];
  lapsed: string[];
}

/** A person's credits to one stage over the report's span. */
export interface PersonCredits {
  person: { id: number; login: string | null; name: string };
  /** Sorted by time. */
  credits: Credit[];
}

/** Where a report counts: the window ending `asOf`, and one ending at each monthly trend point. */
export interface ReportWindows {
  asOf: string;
  windowDays: number;
  window: TimeWindow;
  /** From the first trend window's start to the current window's end: the credits a report reads. */
  span: TimeWindow;
  points: TrendPoint[];
  current: DayWindow;
  trend: DayWindow[];
}

const TREND_MONTHS = 24;

export function reportWindows(asOf: string, windowDays: number, months = TREND_MONTHS): ReportWindows {
  const window = windowEndingOn(asOf, windowDays);
  const points = trendPoints(asOf, months);
  const windows = points.map((point) => windowEndingOn(point.asOf, windowDays));
  return {
    asOf,
    windowDays,
    window,
    span: { from: windows[0]?.from ?? window.from, to: window.to },
    points,
    current: toDayWindow(window),
    trend: windows.map(toDayWindow),
  };
}

// Most credit first; ties by name with a plain comparison (localeCompare is ICU-slow over thousands of ties).
function byCredit(a: StageContributor, b: StageContributor): number {
  return b.credit - a.credit || b.contributions - a.contributions || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** One stage's report from its people's credits over `windows.span`, under the rule of `minCredit`. */
export function composeStageReport(
  stage: StageConfig,
  people: PersonCredits[],
  windows: ReportWindows,
  minCredit: number,
): StageReport {
  const { current } = windows;
  const contributors = people
    .map(({ person, credits }) => ({ ...person, ...creditInWindow(credits, current) }))
    .filter((p) => p.contributions > 0)
    .sort(byCredit);
  const creditsOf = new Map(people.map((p) => [p.person.id, p.credits]));
  const activeMaintainers = contributors
    .filter((p) => qualifies(p.credit, minCredit))
    .map((p) => {
      const inWindow = (creditsOf.get(p.id) ?? []).filter((c) => c.day >= current.from && c.day < current.to);
      const lastDay = lastQualifyingDay(inWindow, windows.windowDays, minCredit);
      return { ...p, countsUntil: lastDay === null ? windows.asOf : dayToDate(lastDay) };
    });
  const status = goalStatus(activeMaintainers.length, stage.goal);
  const trend = countQualifyingPerWindow(
    people.map((p) => p.credits),
    windows.trend,
    minCredit,
  );
  const counting = people.map((p) => ({
    name: p.person.name,
    months: qualifiesPerWindow(p.credits, windows.trend, minCredit),
  }));
  // Who started and who stopped counting at each point: one pass over the people, not two per point.
  const joined = windows.points.map((): string[] => []);
  const lapsed = windows.points.map((): string[] => []);
  for (const { name, months } of counting) {
    for (let k = 1; k < months.length; k++) {
      if (months[k] && !months[k - 1]) joined[k]?.push(name);
      else if (!months[k] && months[k - 1]) lapsed[k]?.push(name);
    }
  }
  const trendChanges = windows.points.flatMap((point, k) => {
    const [j = [], l = []] = [joined[k], lapsed[k]];
    return k > 0 && j.length + l.length > 0 ? [{ month: point.month, joined: j, lapsed: l }] : [];
  });
  return {
    id: stage.id,
    name: stage.name,
    description: stage.description,
    goal: stage.goal,
    status,
    statusText: describeStatus(status, activeMaintainers.length, stage.goal),
    activeMaintainers,
    otherContributors: contributors.filter((p) => !qualifies(p.credit, minCredit)),
    contributorAbsenceFactor: contributorAbsenceFactor(contributors.map((p) => p.contributions)),
    trend: windows.points.map((point, k) => ({ month: point.month, asOf: point.asOf, value: trend[k] ?? 0 })),
    trendChanges,
  };
}

/**
 * What the dashboard's card and the stage page both show of a stage's report; trend points whose window
 * the data does not cover (`known`, see `isKnownPeriod`) are null, "no data".
 */
export function stageSummary(stage: StageReport, known: (pointAsOf: string) => boolean) {
  return {
    id: stage.id,
    name: stage.name,
    description: stage.description,
    goal: stage.goal,
    status: stage.status,
    statusText: stage.statusText,
    countText: describeCount(stage.activeMaintainers.length, stage.goal),
    contributorAbsenceFactor: stage.contributorAbsenceFactor,
    trend: stage.trend.map(({ month, asOf, value }) => ({ month, value: known(asOf) ? value : null })),
  };
}
