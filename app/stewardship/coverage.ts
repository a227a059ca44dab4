// How far the stored data reaches, and what follows for the pages: which day to show when today is past
// the data, what to say about an as-of date outside it, and which trend points are known at all.
// Pure: the model reads what each source covered, this decides what a page may claim.
import { addDays, dayNumber } from "./metrics";

/** The days the stored data covers, inclusive (`YYYY-MM-DD`). */
export interface Coverage {
  from: string;
  to: string;
  /**
   * True when the data reaches back to the project's first commit (a git import without `--since`, the
   * demo): nothing happened before `from`, so a window reaching before it is still wholly known.
   */
  fromStart: boolean;
}

/** What one source (a git branch, a GitHub sync, the demo) covered. */
export interface SourceCoverage extends Coverage {
  source: string;
}

/**
 * Coverage whose newest day is at most this many days before today is current, and is taken to reach
 * today. Git knows only its newest commit's date, not when the clone was fetched, and a week without a
 * commit happens (holidays, a release freeze); the demo, seeded on the day it is first served, stays
 * current for a week. Data that stops longer ago than that is an old clone or a stale sync, and the pages
 * say so.
 */
export const CURRENT_DAYS = 7;

/** The union of what the sources cover: the earliest first day, the latest last day. Null when none. */
export function unionCoverage(sources: readonly Coverage[]): Coverage | null {
  const [first, ...rest] = sources;
  if (!first) return null;
  return rest.reduce<Coverage>(
    (union, { from, to, fromStart }) => ({
      from: from < union.from ? from : union.from,
      to: to > union.to ? to : union.to,
      // Reaching back to the first commit belongs to whichever source starts earliest.
      fromStart: from < union.from ? fromStart : from === union.from ? fromStart || union.fromStart : union.fromStart,
    }),
    { from: first.from, to: first.to, fromStart: first.fromStart },
  );
}

/** Whether the data is recent enough to stand for today (see CURRENT_DAYS). */
export function isCurrent(coverage: Coverage, today: string): boolean {
  return coverage.to >= addDays(today, -CURRENT_DAYS);
}

/** The newest day the data speaks for: today when the coverage is current, else its last day. */
export function knownUntil(coverage: Coverage, today: string): string {
  return isCurrent(coverage, today) && today > coverage.to ? today : coverage.to;
}

/** Why a page measures as of the day it does. */
export type AsOfReason = "requested" | "today" | "newest-data";

/**
 * The day a page measures as of: the one asked for, however far outside the data (the notes say so);
 * otherwise today, unless today is past the data, and then the newest data day, so an old clone shows
 * the maintainers it has rather than an empty dashboard.
 */
export function effectiveAsOf(
  requested: string | undefined,
  today: string,
  coverage: Coverage | null,
): { asOf: string; reason: AsOfReason } {
  if (requested !== undefined) return { asOf: requested, reason: "requested" };
  if (!coverage || isCurrent(coverage, today)) return { asOf: today, reason: "today" };
  return { asOf: coverage.to, reason: "newest-data" };
}

/** The first day of the `windowDays`-day window ending `asOf` (inclusive), as `windowEndingOn` counts it. */
export function windowStart(asOf: string, windowDays: number): string {
  return addDays(asOf, 1 - windowDays);
}

/**
 * What to say beside numbers measured as of `asOf` in a `windowDays` window: that the day was chosen
 * for the reader, or that it lies (or its window reaches) outside the data. Empty when all is known.
 */
export function describeAsOf({
  asOf,
  reason,
  today,
  windowDays,
  coverage,
}: {
  asOf: string;
  reason: AsOfReason;
  today: string;
  windowDays: number;
  coverage: Coverage | null;
}): string[] {
  if (!coverage) return [];
  const notes: string[] = [];
  if (reason === "newest-data") notes.push(`Showing ${asOf}, the newest data; today is ${today}.`);
  if (asOf > knownUntil(coverage, today)) {
    notes.push(`${asOf} is after the newest data (${coverage.to}): counts after it are not known.`);
  } else if (asOf < coverage.from) {
    notes.push(
      coverage.fromStart
        ? `${asOf} is before the history starts (${coverage.from}).`
        : `${asOf} is before the data starts (${coverage.from}): counts up to it are not known.`,
    );
  } else if (!coverage.fromStart && windowStart(asOf, windowDays) < coverage.from) {
    const known = dayNumber(asOf) - dayNumber(coverage.from) + 1;
    notes.push(
      `The ${windowDays}-day window ending ${asOf} starts before the data (${coverage.from}): only ${known} of its days are known, so counts may be low.`,
    );
  }
  return notes;
}

/** The coverage line every page shows. */
export function describeCoverage(coverage: Coverage | null): string {
  return coverage ? `Data from ${coverage.from} to ${coverage.to}.` : "No data imported yet.";
}

/**
 * Whether a number measured over the days `first`..`last` (inclusive) is known: only when every one of
 * those days lies inside the coverage. A bus-factor trend point measures its window (the `windowDays`
 * days ending on the point's day), a person's monthly count its month up to the point's day.
 *
 * The rule for partly covered periods: a window that starts before `coverage.from` is "no data", not a
 * number. Its count is only a lower bound (work done just before the data began is missing), so with a
 * 180-day window the first months after an import's `--since` would show a bus factor climbing from
 * zero that never happened. A window is known from the point `coverage.from + windowDays - 1` on. When
 * the data reaches back to the first commit (`fromStart`) nothing is missing before it, and earlier
 * windows are known. A period ending after the newest data (with CURRENT_DAYS' allowance) is not known.
 */
export function isKnownPeriod(first: string, last: string, coverage: Coverage | null, today: string): boolean {
  if (!coverage || last > knownUntil(coverage, today)) return false;
  return coverage.fromStart || first >= coverage.from;
}

/** `value` where the period is known (see isKnownPeriod), null ("no data") where it is not. */
export function knownValue(
  value: number,
  period: { first: string; last: string },
  coverage: Coverage | null,
  today: string,
): number | null {
  return isKnownPeriod(period.first, period.last, coverage, today) ? value : null;
}

/** Whether a bus-factor trend point (its window of `windowDays` ending on the point's day) is known. */
export function windowKnown(
  windowDays: number,
  coverage: Coverage | null,
  today: string,
): (pointAsOf: string) => boolean {
  return (asOf) => isKnownPeriod(windowStart(asOf, windowDays), asOf, coverage, today);
}

/** The coverage as the JSON API states it: `{ from, to }`, both null when nothing is stored. */
export function coverageRange(coverage: Coverage | null): { from: string | null; to: string | null } {
  return { from: coverage?.from ?? null, to: coverage?.to ?? null };
}

/** The coverage as pages and the API state it, with what to say beside the numbers. */
export interface CoverageView {
  from: string | null;
  to: string | null;
  text: string;
  notes: string[];
}

export function coverageView(coverage: Coverage | null, notes: string[] = []): CoverageView {
  return { from: coverage?.from ?? null, to: coverage?.to ?? null, text: describeCoverage(coverage), notes };
}
