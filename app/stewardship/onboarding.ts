// The onboarding funnel: who arrived in a stage, who came back, who became a maintainer, how long each
// step took, per quarter of arrival; how fast newcomers' pull requests are reviewed and merged; and
// whether the starter tracks bring people who stay. Pure: the model reads the history, this counts.
import { mentionsIdentifier, taskIdentifier } from "./checklist";
import { DAY_MS } from "./dates";
import { dayNumber, dayToDate, qualifies } from "./metrics";

/**
 * One credited part of a person in a stage, as the maintainer rule counts it (`weight`), and whether they
 * authored it: arriving and returning are authored work, reviews count only toward the rule.
 */
export interface StageCredit {
  contributionId: number;
  day: number;
  weight: number;
  authored: boolean;
}

export interface FunnelRule {
  /** The day (a day number) the funnel is measured as of: later work is not counted. */
  asOfDay: number;
  /** A second contribution within this many days of the first is a return. */
  returnWindowDays: number;
  /** The maintainer rule: credit `minCredit` in `windowDays` days. */
  windowDays: number;
  minCredit: number;
}

/** One person's way into a stage, each step dated (`YYYY-MM-DD`). */
export interface Journey {
  personId: number;
  /** Their first authored contribution to the stage. */
  arrivedOn: string;
  arrivalContributionId: number;
  /** Whether it was also their first authored contribution to the project (as far as the data reaches). */
  firstToProject: boolean;
  /** Their next authored contribution to the stage on a later day, however late. */
  secondOn: string | null;
  /** `secondOn` when it came within the return window. */
  returnedOn: string | null;
  /** Not returned yet, but the return window is still open on the as-of day. */
  returnPending: boolean;
  /** The first day they met the maintainer rule in the stage. */
  maintainerOn: string | null;
  /** Authored contributions to the stage up to the as-of day. */
  contributions: number;
}

/**
 * The first day (a day number) on which credits in the `windowDays` days ending that day reach
 * `minCredit`; null if never. Credits sorted by day; only days up to `asOfDay` count.
 */
export function firstQualifyingDay(
  credits: readonly { day: number; weight: number }[],
  { windowDays, minCredit, asOfDay }: Pick<FunnelRule, "windowDays" | "minCredit" | "asOfDay">,
): number | null {
  // Over all stages the rule is never met by adding stages up (overallJourneys): nothing to look for.
  if (minCredit === Infinity) return null;
  let low = 0;
  let sum = 0;
  for (let high = 0; high < credits.length;) {
    const day = credits[high]?.day ?? Infinity;
    if (day > asOfDay) return null;
    // Every credit of that day enters the window before the day is judged.
    for (; high < credits.length && credits[high]?.day === day; high++) sum += credits[high]?.weight ?? 0;
    for (; low < high && (credits[low]?.day ?? Infinity) <= day - windowDays; low++) sum -= credits[low]?.weight ?? 0;
    if (qualifies(sum, minCredit)) return day;
  }
  return null;
}

/**
 * Each person's journey into a stage from their credits there (sorted by day) and the day of their first
 * authored contribution to the project. People with no authored work in the stage (reviewers only) never
 * arrived as newcomers and have no journey.
 */
export function stageJourneys(
  credits: ReadonlyMap<number, readonly StageCredit[]>,
  firstProjectDay: ReadonlyMap<number, number>,
  rule: FunnelRule,
): Journey[] {
  const journeys: Journey[] = [];
  for (const [personId, list] of credits) {
    // One pass over what was authored up to the as-of day: the first, the next on a later day, how many.
    let first: StageCredit | undefined;
    let second: StageCredit | undefined;
    let authored = 0;
    for (const credit of list) {
      if (credit.day > rule.asOfDay || !credit.authored) continue;
      authored += 1;
      if (!first) first = credit;
      else if (!second && credit.day > first.day) second = credit;
    }
    if (!first) continue;
    const returned = second !== undefined && second.day - first.day <= rule.returnWindowDays;
    // Sorted by day: firstQualifyingDay stops at the first credit after the as-of day.
    const maintainerDay = firstQualifyingDay(list, rule);
    journeys.push({
      personId,
      arrivedOn: dayToDate(first.day),
      arrivalContributionId: first.contributionId,
      firstToProject: (firstProjectDay.get(personId) ?? first.day) >= first.day,
      secondOn: second ? dayToDate(second.day) : null,
      returnedOn: returned && second ? dayToDate(second.day) : null,
      returnPending: !returned && rule.asOfDay - first.day < rule.returnWindowDays,
      maintainerOn: maintainerDay === null ? null : dayToDate(maintainerDay),
      contributions: authored,
    });
  }
  return journeys.sort((a, b) =>
    a.arrivedOn < b.arrivedOn ? -1 : a.arrivedOn > b.arrivedOn ? 1 : a.personId - b.personId,
  );
}

/**
 * Journeys into the tracked work as a whole: a person arrives with their first authored contribution to
 * any stage and returns with one to any stage; they became a maintainer on the first day they met the rule
 * in some stage. `credits` holds each person's credits over all stages (a contribution to two stages once).
 */
export function overallJourneys(
  credits: ReadonlyMap<number, readonly StageCredit[]>,
  firstProjectDay: ReadonlyMap<number, number>,
  stages: readonly Journey[][],
  rule: FunnelRule,
): Journey[] {
  const firstMaintainer = new Map<number, string>();
  for (const journeys of stages)
    for (const j of journeys) {
      const known = firstMaintainer.get(j.personId);
      if (j.maintainerOn && (!known || j.maintainerOn < known)) firstMaintainer.set(j.personId, j.maintainerOn);
    }
  // The rule is met per stage, never by adding up stages: judge it with the stage journeys only.
  return stageJourneys(credits, firstProjectDay, { ...rule, minCredit: Infinity }).map((j) => ({
    ...j,
    maintainerOn: firstMaintainer.get(j.personId) ?? null,
  }));
}

/** The funnel's three steps for a group of journeys. */
export interface FunnelSteps {
  arrived: number;
  /** Of those arrivals, how many were new to the project too. */
  newToProject: number;
  returned: number;
  /** Arrived less than the return window ago and not back yet: neither returned nor lost. */
  pending: number;
  maintainers: number;
}

export function funnelSteps(journeys: readonly Journey[]): FunnelSteps {
  return {
    arrived: journeys.length,
    newToProject: journeys.filter((j) => j.firstToProject).length,
    returned: journeys.filter((j) => j.returnedOn !== null).length,
    pending: journeys.filter((j) => j.returnPending).length,
    maintainers: journeys.filter((j) => j.maintainerOn !== null).length,
  };
}

/** `2025-Q3` for a date in July to September 2025. */
export function quarterOf(date: string): string {
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 4)}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** The middle value (the mean of the two middle ones for an even count), rounded to a tenth; null if none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** A pull request of a stage, as far as GitHub told Steward about it (ISO timestamps). */
export interface PullRequestTiming {
  contributionId: number;
  openedAt: string;
  /** The earliest review stored: each reviewer's latest review that counts. */
  firstReviewAt: string | null;
  mergedAt: string | null;
}

/** How long pull requests waited, in days (to a tenth): medians over those that got there. */
export interface PullRequestWaits {
  count: number;
  reviewed: number;
  medianDaysToFirstReview: number | null;
  merged: number;
  medianDaysToMerge: number | null;
}

function hours(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / DAY_MS);
}

export function pullRequestWaits(prs: readonly PullRequestTiming[]): PullRequestWaits {
  const reviewed = prs.flatMap((pr) => (pr.firstReviewAt ? [hours(pr.openedAt, pr.firstReviewAt)] : []));
  const merged = prs.flatMap((pr) => (pr.mergedAt ? [hours(pr.openedAt, pr.mergedAt)] : []));
  return {
    count: prs.length,
    reviewed: reviewed.length,
    medianDaysToFirstReview: median(reviewed),
    merged: merged.length,
    medianDaysToMerge: median(merged),
  };
}

/** One quarter's arrivals and what became of them; PRs are those opened in the quarter. */
export interface Cohort extends FunnelSteps {
  quarter: string;
  /** Median days from the first contribution to the second, over those who made one. */
  medianDaysToSecond: number | null;
  /** Median days from the first contribution to meeting the rule, over those who did. */
  medianDaysToMaintainer: number | null;
  pullRequests: { everyone: PullRequestWaits; newcomers: PullRequestWaits };
}

/**
 * Journeys grouped by the quarter of arrival, oldest first, beside the waits of the PRs opened in each
 * quarter: everyone's, and newcomers' (a PR that was its author's arrival in the stage).
 */
export function cohorts(journeys: readonly Journey[], prs: readonly PullRequestTiming[]): Cohort[] {
  const arrivals = new Set(journeys.map((j) => j.arrivalContributionId));
  const byQuarter = new Map<string, { group: Journey[]; opened: PullRequestTiming[] }>();
  const entryFor = (date: string) => {
    const key = quarterOf(date);
    let entry = byQuarter.get(key);
    if (!entry) {
      entry = { group: [], opened: [] };
      byQuarter.set(key, entry);
    }
    return entry;
  };
  for (const j of journeys) entryFor(j.arrivedOn).group.push(j);
  for (const p of prs) entryFor(p.openedAt).opened.push(p);
  return [...byQuarter.keys()].sort().map((quarter) => {
    const { group, opened } = byQuarter.get(quarter) ?? { group: [], opened: [] };
    return {
      quarter,
      ...funnelSteps(group),
      medianDaysToSecond: median(group.flatMap((j) => (j.secondOn ? [daysBetween(j.arrivedOn, j.secondOn)] : []))),
      medianDaysToMaintainer: median(
        group.flatMap((j) => (j.maintainerOn ? [Math.max(0, daysBetween(j.arrivedOn, j.maintainerOn))] : [])),
      ),
      pullRequests: {
        everyone: pullRequestWaits(opened),
        newcomers: pullRequestWaits(opened.filter((p) => arrivals.has(p.contributionId))),
      },
    };
  });
}

/** One level of the funnel (a stage, or everything): its steps, its cohorts, all PRs' waits. */
export interface FunnelReport {
  steps: FunnelSteps;
  medianDaysToSecond: number | null;
  medianDaysToMaintainer: number | null;
  pullRequests: { everyone: PullRequestWaits; newcomers: PullRequestWaits };
  cohorts: Cohort[];
}

export function funnelReport(journeys: readonly Journey[], prs: readonly PullRequestTiming[]): FunnelReport {
  const arrivals = new Set(journeys.map((j) => j.arrivalContributionId));
  return {
    steps: funnelSteps(journeys),
    medianDaysToSecond: median(journeys.flatMap((j) => (j.secondOn ? [daysBetween(j.arrivedOn, j.secondOn)] : []))),
    medianDaysToMaintainer: median(
      journeys.flatMap((j) => (j.maintainerOn ? [Math.max(0, daysBetween(j.arrivedOn, j.maintainerOn))] : [])),
    ),
    pullRequests: {
      everyone: pullRequestWaits(prs),
      newcomers: pullRequestWaits(prs.filter((p) => arrivals.has(p.contributionId))),
    },
    cohorts: cohorts(journeys, prs),
  };
}

/** Those who arrived in the `days` days ending on the as-of day, newest first. */
export function recentArrivals(journeys: readonly Journey[], asOfDay: number, days: number): Journey[] {
  return journeys
    .filter((j) => dayNumber(j.arrivedOn) > asOfDay - days && dayNumber(j.arrivedOn) <= asOfDay)
    .sort((a, b) => (a.arrivedOn < b.arrivedOn ? 1 : a.arrivedOn > b.arrivedOn ? -1 : a.personId - b.personId));
}

// ---- Starter-task conversion ----

/** A stored starter task, as conversion needs it. */
export interface TrackTask {
  key: string;
  stageId: string | null;
  issueNumber: number;
  umbrellaNumber: number | null;
  title: string;
}

/** A merged contribution that may name a task: its title, its `gh-N` references and its authors. */
export interface MergedContribution {
  contributionId: number;
  title: string;
  refs: number[];
  prNumber: number | null;
  sha: string | null;
  mergedAt: string;
  /** Authors and co-authors, bots left out. */
  authorIds: number[];
}

/**
 * Whether a merged contribution takes up a task: a checklist item when it references the umbrella issue
 * and its title names the item (as an open PR claims one); a labelled issue when it references the issue.
 */
export function takesUp(task: TrackTask, contribution: MergedContribution): boolean {
  if (task.umbrellaNumber === null) return contribution.refs.includes(task.issueNumber);
  return (
    contribution.refs.includes(task.umbrellaNumber) &&
    mentionsIdentifier(contribution.title, taskIdentifier(task.title))
  );
}

/** What a person's part in taking up a task led to. */
export interface TakerOutcome {
  personId: number;
  /** No authored work in the task's stage before the day they took it up. */
  newcomer: boolean;
  /** Back in the stage with authored work on a later day within the return window. */
  returned: boolean;
  /** Not back yet, and the return window is still open. */
  pending: boolean;
  /** Met the maintainer rule in the stage on or after taking the task up. */
  maintainer: boolean;
}

export interface TakenUpTask {
  key: string;
  title: string;
  /** The earliest merged contribution naming the task. */
  by: { contributionId: number; prNumber: number | null; sha: string | null; mergedOn: string };
  people: TakerOutcome[];
}

export interface TrackConversion {
  /** `gh-134584` for an umbrella's checklist, `labelled` for labelled issues. */
  id: string;
  title: string;
  stageId: string | null;
  tasks: number;
  takenUp: number;
  people: number;
  newcomers: number;
  /** Of the newcomers, how many came back within the return window. */
  returned: number;
  pending: number;
  /** Of the newcomers, how many became maintainers. */
  maintainers: number;
  takenUpTasks: TakenUpTask[];
}

/**
 * Per stage (a stage id, or `null` for tasks that belong to no single stage and are judged against all
 * tracked work): each person's authored days and the day they met the rule.
 */
export interface StageHistories {
  authoredDays: (stageId: string | null, personId: number) => readonly number[];
  maintainerOn: (stageId: string | null, personId: number) => string | null;
}

/**
 * The histories conversion asks about, from each level's credits (a stage id, or null for all tracked
 * work) and journeys.
 */
export function stageHistories(
  levels: ReadonlyMap<
    string | null,
    { credits: ReadonlyMap<number, readonly StageCredit[]>; journeys: readonly Journey[] }
  >,
): StageHistories {
  const maintainers = new Map(
    [...levels].map(([level, { journeys }]) => [level, new Map(journeys.map((j) => [j.personId, j.maintainerOn]))]),
  );
  return {
    authoredDays: (stageId, personId) =>
      (levels.get(stageId)?.credits.get(personId) ?? []).filter((c) => c.authored).map((c) => c.day),
    maintainerOn: (stageId, personId) => maintainers.get(stageId)?.get(personId) ?? null,
  };
}

/**
 * How each starter track converts: tasks taken up by a merged contribution naming them, by how many
 * distinct people, how many of those were newcomers to the task's stage, and how many of those returned
 * (and became maintainers). A person counts once per track, by their first task in it.
 */
export function trackConversions(
  tracks: readonly { id: string; title: string; stageId: string | null; tasks: readonly TrackTask[] }[],
  merged: readonly MergedContribution[],
  histories: StageHistories,
  rule: Pick<FunnelRule, "asOfDay" | "returnWindowDays">,
): TrackConversion[] {
  const inOrder = [...merged]
    .filter((c) => dayNumber(c.mergedAt) <= rule.asOfDay)
    .sort((a, b) => (a.mergedAt < b.mergedAt ? -1 : a.mergedAt > b.mergedAt ? 1 : a.contributionId - b.contributionId));
  return tracks.map((track) => {
    const takenUpTasks: TakenUpTask[] = [];
    const outcomes = new Map<number, TakerOutcome>();
    for (const task of track.tasks) {
      const by = inOrder.find((c) => takesUp(task, c));
      if (!by) continue;
      const day = dayNumber(by.mergedAt);
      const people = by.authorIds.map((personId): TakerOutcome => {
        const days = histories.authoredDays(task.stageId, personId);
        const returned = days.some((d) => d > day && d - day <= rule.returnWindowDays);
        const maintainerOn = histories.maintainerOn(task.stageId, personId);
        return {
          personId,
          newcomer: !days.some((d) => d < day),
          returned,
          pending: !returned && rule.asOfDay - day < rule.returnWindowDays,
          maintainer: maintainerOn !== null && dayNumber(maintainerOn) >= day,
        };
      });
      takenUpTasks.push({
        key: task.key,
        title: task.title,
        by: {
          contributionId: by.contributionId,
          prNumber: by.prNumber,
          sha: by.sha,
          mergedOn: by.mergedAt.slice(0, 10),
        },
        people,
      });
      for (const person of people) if (!outcomes.has(person.personId)) outcomes.set(person.personId, person);
    }
    takenUpTasks.sort((a, b) => (a.by.mergedOn < b.by.mergedOn ? -1 : a.by.mergedOn > b.by.mergedOn ? 1 : 0));
    const newcomers = [...outcomes.values()].filter((o) => o.newcomer);
    return {
      id: track.id,
      title: track.title,
      stageId: track.stageId,
      tasks: track.tasks.length,
      takenUp: takenUpTasks.length,
      people: outcomes.size,
      newcomers: newcomers.length,
      returned: newcomers.filter((o) => o.returned).length,
      pending: newcomers.filter((o) => o.pending).length,
      maintainers: newcomers.filter((o) => o.maintainer).length,
      takenUpTasks,
    };
  });
}

/** The starter tracks of the stored tasks: one per umbrella issue's checklist, one for labelled issues. */
export function groupTracks(
  tasks: readonly TrackTask[],
  umbrellas: readonly { number: number; title: string; stage: string }[],
): { id: string; title: string; stageId: string | null; tasks: TrackTask[] }[] {
  const tracks = new Map<string, { id: string; title: string; stageId: string | null; tasks: TrackTask[] }>();
  for (const task of [...tasks].sort(
    (a, b) => a.issueNumber - b.issueNumber || a.key.localeCompare(b.key, "en", { numeric: true }),
  )) {
    const id = task.umbrellaNumber === null ? "labelled" : `gh-${task.umbrellaNumber}`;
    let track = tracks.get(id);
    if (!track) {
      const umbrella = umbrellas.find((u) => u.number === task.umbrellaNumber);
      track =
        task.umbrellaNumber === null
          ? { id, title: "Issues labelled as starter tasks", stageId: null, tasks: [] }
          : {
              id,
              title: umbrella?.title
                ? `${umbrella.title} (gh-${task.umbrellaNumber})`
                : `The checklist of gh-${task.umbrellaNumber}`,
              stageId: umbrella?.stage ?? task.stageId,
              tasks: [],
            };
      tracks.set(id, track);
    }
    track.tasks.push(task);
  }
  // Umbrella checklists first (by issue), labelled issues last.
  return [...tracks.values()].sort((a, b) =>
    a.id === "labelled" ? 1 : b.id === "labelled" ? -1 : a.id.localeCompare(b.id),
  );
}
