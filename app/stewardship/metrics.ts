import { DAY_MS, isoSeconds } from "./dates";

/**
 * The longest window a page, the API or the configuration counts over: two years covers every question
 * about who keeps a stage alive, and bounds the work (and the page) one request can ask for.
 */
export const MAX_WINDOW_DAYS = 730;
/** Whether a stage has the maintainers it wants. */
export type GoalStatus = "met" | "at-risk" | "unmet";

/**
 * met: at least `goal` active maintainers. at-risk: exactly one below the goal, with someone still
 * active (losing one more person would leave the stage short by two, or empty). unmet: anything less.
 */
export function goalStatus(activeMaintainers: number, goal: number): GoalStatus {
  if (activeMaintainers >= goal) return "met";
  if (activeMaintainers >= 1 && activeMaintainers === goal - 1) return "at-risk";
  return "unmet";
}

export function describeStatus(status: GoalStatus, activeMaintainers: number, goal: number): string {
  const people = `${activeMaintainers} active maintainer${activeMaintainers === 1 ? "" : "s"}`;
  switch (status) {
    case "met":
      return `Goal met: ${people} of ${goal} wanted`;
    case "at-risk":
      return `At risk: ${people}, one below the goal of ${goal}`;
    case "unmet":
      return `Goal not met: ${people} of ${goal} wanted`;
  }
}

/** The count behind a status, for pages that show the status itself as a badge: said once, not twice. */
export function describeCount(activeMaintainers: number, goal: number): string {
  return `${activeMaintainers} active maintainer${activeMaintainers === 1 ? "" : "s"} of the ${goal} wanted`;
}

/** A half-open time range `[from, to)` of ISO timestamps, which compare correctly as text. */
export interface TimeWindow {
  from: string;
  to: string;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDate(date: string): boolean {
  if (!isoDate.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

function dayStart(date: string): number {
  if (!isValidDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  return Date.parse(`${date}T00:00:00Z`);
}

export function addDays(date: string, days: number): string {
  return isoSeconds(dayStart(date) + days * DAY_MS).slice(0, 10);
}

/**
 * The `windowDays` whole days that end with `asOf` (inclusive): a window of 180 days as of
 * 2026-06-30 runs from 2026-01-02T00:00Z up to, not including, 2026-07-01T00:00Z.
 */
export function windowEndingOn(asOf: string, windowDays: number): TimeWindow {
  const end = dayStart(asOf) + DAY_MS;
  return { from: isoSeconds(end - windowDays * DAY_MS), to: isoSeconds(end) };
}

/** Today's date in UTC, the default `asOf`. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export interface TrendPoint {
  /** `YYYY-MM` */
  month: string;
  /** The day the point is measured on: the month's last day, or `asOf` for the current month. */
  asOf: string;
}

/** `months` monthly measuring points ending with `asOf`'s month; the last one is `asOf` itself. */
export function trendPoints(asOf: string, months = 24): TrendPoint[] {
  const [year, month] = asOf.split("-").map(Number);
  if (year === undefined || month === undefined) throw new RangeError(`not a date: ${asOf}`);
  const points: TrendPoint[] = [];
  for (let back = months - 1; back >= 0; back--) {
    const first = Date.UTC(year, month - 1 - back, 1);
    const monthKey = isoSeconds(first).slice(0, 7);
    const lastDay = isoSeconds(Date.UTC(year, month - back, 0)).slice(0, 10);
    points.push({ month: monthKey, asOf: back === 0 ? asOf : lastDay });
  }
  return points;
}

/**
 * CHAOSS "contributor absence factor": the smallest number of people who together made at least
 * half of the contributions. 0 when there were none.
 */
export function contributorAbsenceFactor(contributionsPerPerson: number[]): number {
  const total = contributionsPerPerson.reduce((sum, n) => sum + n, 0);
  if (total <= 0) return 0;
  const sorted = [...contributionsPerPerson].sort((a, b) => b - a);
  let running = 0;
  for (const [index, count] of sorted.entries()) {
    running += count;
    if (running * 2 >= total) return index + 1;
  }
  return sorted.length;
}

/** Days since 1970-01-01 of a Gregorian date (Howard Hinnant's days_from_civil; `day` may run past the month's end). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

/** The number `text` holds at `from` (`length` digits), or NaN when one is not a digit. */
function digitsAt(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Whole days since 1970-01-01 UTC of an ISO timestamp or date. Steward's own forms (`2026-03-17`,
 * `2026-03-17T10:04:00Z`) are read digit by digit, as the reports do it for every credit and journey;
 * anything else (an offset, milliseconds, a value out of range) goes to Date.parse, as it always did.
 */
export function dayNumber(isoTimestamp: string): number {
  const plainTime =
    isoTimestamp.length === 20 &&
    isoTimestamp[10] === "T" &&
    isoTimestamp[13] === ":" &&
    isoTimestamp[16] === ":" &&
    isoTimestamp[19] === "Z" &&
    digitsAt(isoTimestamp, 11, 2) <= 23 &&
    digitsAt(isoTimestamp, 14, 2) <= 59 &&
    digitsAt(isoTimestamp, 17, 2) <= 59;
  if ((isoTimestamp.length === 10 || plainTime) && isoTimestamp[4] === "-" && isoTimestamp[7] === "-") {
    const year = digitsAt(isoTimestamp, 0, 4);
    const month = digitsAt(isoTimestamp, 5, 2);
    const day = digitsAt(isoTimestamp, 8, 2);
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 0) return daysFromCivil(year, month, day);
  }
  return Math.floor(Date.parse(isoTimestamp.length === 10 ? `${isoTimestamp}T00:00:00Z` : isoTimestamp) / DAY_MS);
}

/**
 * The maintainer rule: someone counts as a stage's active maintainer when their credit in the window
 * (contributions, and reviews at their weight) reaches `minCredit`. Weights are 1 or 0.5, exact in binary;
 * the margin only guards sums of other configured weights against rounding.
 */
export function qualifies(credit: number, minCredit: number): boolean {
  return credit >= minCredit - 1e-9;
}

/** One person's part in a contribution: its weight, and when it happened if not at the contribution's time. */
export interface ContributionPart {
  personId: number;
  weight: number;
  /** A review's submission time; null for an author's part, which happened when the contribution did. */
  occurredAt: string | null;
}

/**
 * Who a contribution credits, and how much: a person counts once per contribution, at their strongest
 * part in it (author over reviewer; the first of equal parts), on the day of that part: a review on the
 * day it was submitted. Parts of weight 0 (a review that only commented) earn nothing.
 */
export function creditedParts(
  parts: ContributionPart[],
  contributionAt: string,
): Array<{ personId: number; weight: number; occurredAt: string }> {
  const strongest = new Map<number, { weight: number; occurredAt: string }>();
  for (const part of parts) {
    const known = strongest.get(part.personId);
    if (!known || part.weight > known.weight)
      strongest.set(part.personId, { weight: part.weight, occurredAt: part.occurredAt ?? contributionAt });
  }
  return [...strongest]
    .filter(([, part]) => part.weight > 0)
    .map(([personId, part]) => ({ personId, weight: part.weight, occurredAt: part.occurredAt }));
}

/** One credited contribution of a person to a stage: its day number, and how much it counts. */
export interface Credit {
  day: number;
  weight: number;
}

/** A window as day numbers, `[from, to)`; exact because windows are whole days. */
export interface DayWindow {
  from: number;
  to: number;
}

export function toDayWindow(window: TimeWindow): DayWindow {
  return { from: dayNumber(window.from), to: dayNumber(window.to) };
}

/**
 * How many people reach `minCredit` inside each window. Each person's credits must be sorted by
 * time, and `windows` sorted by start and by end (monthly points are).
 *
 * One pass with two pointers per person: O(credits + people × windows). The same count in SQL sorts
 * every (window, credit) pair — about six per credit for monthly points and a 180-day window — which
 * made the 24-month trend the slowest part of the dashboard.
 */
export function countQualifyingPerWindow(people: Credit[][], windows: DayWindow[], minCredit: number): number[] {
  const counts = windows.map(() => 0);
  for (const credits of people) {
    let low = 0;
    let high = 0;
    let sum = 0;
    for (let k = 0; k < windows.length; k++) {
      const window = windows[k];
      if (!window) continue;
      for (; high < credits.length && (credits[high]?.day ?? Infinity) < window.to; high++)
        sum += credits[high]?.weight ?? 0;
      for (; low < high && (credits[low]?.day ?? Infinity) < window.from; low++) sum -= credits[low]?.weight ?? 0;
      if (qualifies(sum, minCredit)) counts[k] = (counts[k] ?? 0) + 1;
    }
  }
  return counts;
}

/** Whether one person's credits (sorted by time) meet the rule in each window; windows in time order. */
export function qualifiesPerWindow(credits: Credit[], windows: DayWindow[], minCredit: number): boolean[] {
  let low = 0;
  let high = 0;
  let sum = 0;
  return windows.map((window) => {
    for (; high < credits.length && (credits[high]?.day ?? Infinity) < window.to; high++)
      sum += credits[high]?.weight ?? 0;
    for (; low < high && (credits[low]?.day ?? Infinity) < window.from; low++) sum -= credits[low]?.weight ?? 0;
    return qualifies(sum, minCredit);
  });
}

/**
 * The last day (a day number) someone still meets the rule if they do no more work: the day before the
 * rolling window lets go of the credit that takes their newest credits up to `minCredit`. Null when the
 * credits never reach it. `credits` may be in any order; pass those up to the day in question.
 */
export function lastQualifyingDay(credits: Credit[], windowDays: number, minCredit: number): number | null {
  const newestFirst = [...credits].sort((a, b) => b.day - a.day);
  let sum = 0;
  for (const credit of newestFirst) {
    sum += credit.weight;
    if (qualifies(sum, minCredit)) return credit.day + windowDays - 1;
  }
  return null;
}

/** The ISO date (`YYYY-MM-DD`) of a day number (by arithmetic, Hinnant's civil_from_days: no Date per call). */
export function dayToDate(day: number): string {
  if (!Number.isInteger(day)) return isoSeconds(day * DAY_MS).slice(0, 10);
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return isoSeconds(day * DAY_MS).slice(0, 10);
  const dayOfMonth = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  return `${String(year).padStart(4, "0")}-${month < 10 ? "0" : ""}${month}-${dayOfMonth < 10 ? "0" : ""}${dayOfMonth}`;
}

/** A person's contributions and credit inside one window. */
export function creditInWindow(credits: Credit[], window: DayWindow): { contributions: number; credit: number } {
  let contributions = 0;
  let credit = 0;
  for (const c of credits) {
    if (c.day >= window.from && c.day < window.to) {
      contributions += 1;
      credit += c.weight;
    }
  }
  return { contributions, credit };
}
