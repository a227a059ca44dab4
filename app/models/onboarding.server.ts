import { sql } from "kysely";
import type { Database } from "../../db/database";
import type { CompiledConfig } from "../stewardship/config";
import { dayNumber, windowEndingOn } from "../stewardship/metrics";
import {
  funnelReport,
  groupTracks,
  overallJourneys,
  recentArrivals,
  stageHistories,
  stageJourneys,
  trackConversions,
  type FunnelReport,
  type FunnelRule,
  type Journey,
  type MergedContribution,
  type PullRequestTiming,
  type StageCredit,
  type TrackConversion,
  type TrackTask,
} from "../stewardship/onboarding";
import { chunk, parseNumbers } from "./columns.server";
import { asInteger, forEachPackedRow, jsonRows, packedRows } from "./dialect.server";

export interface OnboardingQuery {
  asOf: string;
  /** The maintainer rule the funnel's last step uses. */
  windowDays: number;
  min: number;
}

export interface OnboardingPerson {
  id: number;
  login: string | null;
  name: string;
}

type Credits = Map<number, StageCredit[]>;

interface StageHistory {
  people: Map<number, OnboardingPerson>;
  /** Each stage's credits per person, sorted by day. */
  stages: Map<string, Credits>;
  /** Each person's credits over all stages, a contribution once. */
  all: Credits;
  /** The day of each person's first authored contribution to the project, whatever its stage. */
  firstProjectDay: Map<number, number>;
}

function sortedByDay(list: readonly StageCredit[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i - 1]?.day ?? 0) > (list[i]?.day ?? 0)) return false;
  return true;
}

/**
 * One person's credits over all stages from their stages' lists (each sorted by day, given in the
 * stages' order): by day, and within a day the first stage's first, a contribution of several stages
 * once. Merged two lists at a time, as a stable sort of them end to end would order them.
 */
function mergeByDay(lists: StageCredit[][]): StageCredit[] {
  let merged = [...(lists[0] ?? [])];
  for (let s = 1; s < lists.length; s++) merged = mergeTwo(merged, lists[s] ?? []);
  return merged;
}

/** `first` and `then` merged by day, `first`'s credits first within a day; `then`'s repeats of them dropped. */
function mergeTwo(first: StageCredit[], then: StageCredit[]): StageCredit[] {
  const merged: StageCredit[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const a = first[i];
    const b = then[j];
    if (a && (!b || a.day <= b.day)) {
      merged.push(a);
      i += 1;
    } else if (b) {
      // The day's credits from `first` are already in: a repeat of one is a contribution of both stages.
      let repeated = false;
      for (let k = merged.length - 1; k >= 0 && merged[k]?.day === b.day && !repeated; k--) {
        repeated = merged[k]?.contributionId === b.contributionId;
      }
      if (!repeated) merged.push(b);
      j += 1;
    } else return merged;
  }
}

/**
 * The people (bots left out) with stage activity before `to` (of `personIds`, when given), each with
 * the day their project history starts: their first stage activity (a review included), a day earlier
 * when they authored anything before it (so an arrival that day is not their first work). "Anything
 * before" is one seek per person on the index of their parts by role and contribution time
 * (migration 0019), however much they wrote.
 */
async function listArrivingPeople(
  db: Database,
  { to, personIds }: { to: string; personIds?: number[] },
): Promise<{ people: Map<number, OnboardingPerson>; firstProjectDay: Map<number, number> }> {
  const earlierWork = asInteger(sql`exists (
    select 1 from contribution_people cp
    where cp.person_id = p.id and cp.role in ('author', 'co-author') and cp.contribution_occurred_at < f.first_at)`);
  const row = await db
    .selectFrom("people as p")
    .innerJoin(
      (eb) => {
        let first = eb.selectFrom("stageActivity as a").where("a.occurredAt", "<", to);
        if (personIds) first = first.where("a.personId", "in", personIds);
        return first
          .groupBy("a.personId")
          .select((s) => ["a.personId", s.fn.min("a.occurredAt").as("first_at")])
          .as("f");
      },
      (join) => join.onRef("f.personId", "=", "p.id"),
    )
    .where("p.isBot", "=", 0)
    .select(
      jsonRows(db, [sql.ref("p.id"), sql.ref("p.login"), sql.ref("p.name"), sql.ref("f.first_at"), earlierWork]).as(
        "people",
      ),
    )
    .executeTakeFirstOrThrow();
  const people = new Map<number, OnboardingPerson>();
  const firstProjectDay = new Map<number, number>();
  for (const [id, login, name, firstAt, earlier] of JSON.parse(row.people) as [
    number,
    string | null,
    string | null,
    string,
    number,
  ][]) {
    people.set(id, { id, login, name: name ?? login ?? "unknown" });
    // Work before the first stage activity: the project knew them before any stage did.
    firstProjectDay.set(id, dayNumber(firstAt) - (earlier ? 1 : 0));
  }
  return { people, firstProjectDay };
}

/**
 * A stage's packed credits (`person day weight contribution,…`) per person, sorted by day; each marked
 * authored until the reviews say otherwise.
 */
function creditsByPerson(packed: string | null): Credits {
  const byPerson: Credits = new Map();
  forEachPackedRow(packed, 4, (values) => {
    const person = values[0] ?? 0;
    const credit = { day: values[1] ?? 0, weight: values[2] ?? 0, contributionId: values[3] ?? 0, authored: true };
    const list = byPerson.get(person);
    if (list) list.push(credit);
    else byPerson.set(person, [credit]);
  });
  // In time order already when SQLite walked the (stage, time) index; PostgreSQL's aggregate keeps none.
  for (const list of byPerson.values()) if (!sortedByDay(list)) list.sort((x, y) => x.day - y.day);
  return byPerson;
}

/**
 * Every credit of the stages up to `to`, with whether the person authored it, and the people behind them,
 * in three queries that each return one row per stage or one in all (node-sqlite3 spends microseconds on
 * every result row; see listStageActivity in bus-factor.server.ts). Bots are left out by not being among
 * the people. A credit is authored unless the person only reviewed that contribution: reviews are the
 * few, so they are the ones looked up. (packedRows and jsonRows in dialect.server.ts spell it for either
 * database.) Whether an arrival was new to the project too: see listArrivingPeople.
 */
async function readStageHistory(
  db: Database,
  { stageIds, to }: { stageIds: string[]; to: string },
): Promise<StageHistory> {
  // Each result is read as it arrives (JavaScript's share runs while the other queries are still going):
  // the credits grouped by person, the reviews by contribution; then bots go and reviews are marked.
  const [stages, reviewedOnly, people] = await Promise.all([
    stageIds.length === 0
      ? Promise.resolve(new Map<string, Credits>())
      : db
          .selectFrom("stageActivity as a")
          .where("a.stageId", "in", stageIds)
          .where("a.occurredAt", "<", to)
          .groupBy("a.stageId")
          .select([
            "a.stageId",
            packedRows(db, [
              sql.ref("a.personId"),
              sql.ref("a.day"),
              sql.ref("a.weight"),
              sql.ref("a.contributionId"),
            ]).as("credits"),
          ])
          .execute()
          .then((rows) => new Map(rows.map(({ stageId, credits }) => [stageId, creditsByPerson(credits)]))),
    db
      .selectFrom("contributionPeople as cp")
      .where("cp.role", "=", "reviewer")
      // IN, not a correlated EXISTS: SQLite walks the staged contributions (a fifth at most) and finds their
      // reviewers by key, rather than reading every contribution_people row (1.3M at 1M contributions).
      .where("cp.contributionId", "in", (eb) => eb.selectFrom("contributionStages as cs").select("cs.contributionId"))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("contributionPeople as au")
              .whereRef("au.contributionId", "=", "cp.contributionId")
              .whereRef("au.personId", "=", "cp.personId")
              .where("au.role", "in", ["author", "co-author"])
              .select("au.personId"),
          ),
        ),
      )
      .select(packedRows(db, [sql.ref("cp.contributionId"), sql.ref("cp.personId")]).as("pairs"))
      .executeTakeFirstOrThrow()
      .then(({ pairs }) => {
        // Who only reviewed a contribution: per contribution, those reviewers (numbers, not "id id"
        // strings: every credit is looked up, a hundred thousand and more at 1M contributions).
        const reviewers = new Map<number, number[]>();
        forEachPackedRow(pairs, 2, ([contribution = 0, person = 0]) => {
          const list = reviewers.get(contribution);
          if (list) list.push(person);
          else reviewers.set(contribution, [person]);
        });
        return reviewers;
      }),
    listArrivingPeople(db, { to }),
  ]);
  const { people: byId, firstProjectDay } = people;
  for (const credits of stages.values()) {
    for (const [person, list] of credits) {
      if (!byId.has(person)) {
        credits.delete(person); // a bot
        continue;
      }
      for (const credit of list) credit.authored = !reviewedOnly.get(credit.contributionId)?.includes(person);
    }
  }
  const listsByPerson = new Map<number, StageCredit[][]>();
  for (const credits of stages.values()) {
    for (const [person, list] of credits) {
      const lists = listsByPerson.get(person);
      if (lists) lists.push(list);
      else listsByPerson.set(person, [list]);
    }
  }
  const all: Credits = new Map();
  for (const [person, lists] of listsByPerson)
    all.set(person, lists.length === 1 ? [...(lists[0] ?? [])] : mergeByDay(lists));
  return { people: byId, stages, all, firstProjectDay };
}

/**
 * The stages' pull requests Steward knows the opening of (read from GitHub), opened up to `to`: when each
 * was first reviewed (the earliest stored review: each reviewer's latest that counts) and merged.
 */
async function listStagePullRequests(db: Database, { to }: { to: string }): Promise<Map<string, PullRequestTiming[]>> {
  const rows = await db
    .selectFrom("contributions as c")
    .innerJoin("contributionStages as cs", "cs.contributionId", "c.id")
    .where("c.openedAt", "is not", null)
    .where("c.openedAt", "<", to)
    .select((eb) => [
      "cs.stageId",
      "c.id",
      "c.openedAt",
      "c.mergedAt",
      eb
        .selectFrom("contributionPeople as cp")
        .whereRef("cp.contributionId", "=", "c.id")
        .where("cp.role", "=", "reviewer")
        .where("cp.weight", ">", 0)
        .select((r) => r.fn.min("cp.occurredAt").as("at"))
        .as("firstReviewAt"),
    ])
    .execute();
  const byStage = new Map<string, PullRequestTiming[]>();
  for (const row of rows) {
    if (row.openedAt === null) continue;
    const list = byStage.get(row.stageId) ?? [];
    list.push({
      contributionId: row.id,
      openedAt: row.openedAt,
      // What happened after the as-of day is not known yet.
      firstReviewAt: row.firstReviewAt !== null && row.firstReviewAt < to ? row.firstReviewAt : null,
      mergedAt: row.mergedAt !== null && row.mergedAt < to ? row.mergedAt : null,
    });
    byStage.set(row.stageId, list);
  }
  return byStage;
}

/** Every stored starter task, as conversion needs it. */
async function listTrackTasks(db: Database): Promise<TrackTask[]> {
  return db
    .selectFrom("starterTasks")
    .select(["key", "stageId", "issueNumber", "umbrellaNumber", "title"])
    .orderBy("issueNumber")
    .orderBy("key")
    .execute();
}

/**
 * The merged contributions (up to `to`) that reference any of `issues` (`gh-N`), with their authors, bots
 * left out. refs is a JSON array, so a LIKE finds candidates and the parsed array decides.
 */
async function listMergedReferencing(
  db: Database,
  { issues, to, people }: { issues: number[]; to: string; people: Map<number, OnboardingPerson> },
): Promise<MergedContribution[]> {
  if (issues.length === 0) return [];
  const found = new Map<
    number,
    { id: number; title: string; refs: string; prNumber: number | null; sha: string | null; mergedAt: string | null }
  >();
  // 200 LIKEs a statement: SQLite's parser nests each OR one level deeper, and stops at 1,000.
  for (const part of chunk(issues, 150)) {
    const rows = await db
      .selectFrom("contributions as c")
      .where("c.mergedAt", "is not", null)
      .where("c.mergedAt", "<", to)
      .where((eb) => eb.or(part.map((n) => eb("c.refs", "like", `%${n}%`))))
      .select(["c.id", "c.title", "c.refs", "c.prNumber", "c.sha", "c.mergedAt"])
      .execute();
    for (const row of rows) found.set(row.id, row);
  }
  const wanted = new Set(issues);
  const candidates = [...found.values()].filter((row) => parseNumbers(row.refs).some((n) => wanted.has(n)));
  const authors = new Map<number, number[]>();
  for (const part of chunk(
    candidates.map((c) => c.id),
    1,
  )) {
    const parts = await db
      .selectFrom("contributionPeople as cp")
      .innerJoin("people as p", "p.id", "cp.personId")
      .where("cp.contributionId", "in", part)
      .where("cp.role", "in", ["author", "co-author"])
      .where("p.isBot", "=", 0)
      .select(["cp.contributionId", "cp.personId", "p.login", "p.name"])
      // The authors in one order on either database (SQLite would walk the key's order anyway).
      .orderBy("cp.contributionId")
      .orderBy("cp.personId")
      .execute();
    for (const { contributionId, personId, login, name } of parts) {
      // Someone whose only work names a task, outside every stage, is known by name all the same.
      if (!people.has(personId)) people.set(personId, { id: personId, login, name: name ?? login ?? "unknown" });
      authors.set(contributionId, [...(authors.get(contributionId) ?? []), personId]);
    }
  }
  return candidates.map((row) => ({
    contributionId: row.id,
    title: row.title,
    refs: parseNumbers(row.refs),
    prNumber: row.prNumber,
    sha: row.sha,
    mergedAt: row.mergedAt ?? "",
    authorIds: [...new Set(authors.get(row.id) ?? [])],
  }));
}

function funnelRule(config: CompiledConfig, { asOf, windowDays, min }: OnboardingQuery): FunnelRule {
  return {
    asOfDay: dayNumber(asOf),
    returnWindowDays: config.config.onboarding.returnWindowDays,
    windowDays,
    minCredit: min,
  };
}

export interface Newcomer extends OnboardingPerson {
  arrivedOn: string;
  firstToProject: boolean;
  returnedOn: string | null;
  returnPending: boolean;
  maintainerOn: string | null;
  contributions: number;
}

export interface StageFunnel extends FunnelReport {
  id: string;
  name: string;
  /** Who arrived in the return window ending on the as-of day, newest first. */
  newcomers: Newcomer[];
}

/** A track's conversion with the people who took its tasks up named. */
export type NamedTrackConversion = Omit<TrackConversion, "takenUpTasks"> & {
  takenUpTasks: Array<
    Omit<TrackConversion["takenUpTasks"][number], "people"> & {
      people: Array<TrackConversion["takenUpTasks"][number]["people"][number] & OnboardingPerson>;
    }
  >;
};

export interface OnboardingReport extends OnboardingQuery {
  returnWindowDays: number;
  overall: FunnelReport;
  stages: StageFunnel[];
  tracks: NamedTrackConversion[];
}

/**
 * The onboarding funnel as of a day: per stage and over all of them, with cohorts and PR waits, and each
 * starter track's conversion. A handful of queries whatever the history's size: the stages' credits, the
 * people, the stages' PRs read from GitHub, the tasks, and the merged work naming them.
 */
export async function getOnboardingReport(
  db: Database,
  { config, ...query }: OnboardingQuery & { config: CompiledConfig },
): Promise<OnboardingReport> {
  const to = windowEndingOn(query.asOf, 1).to;
  const rule = funnelRule(config, query);
  const stages = config.config.stages;
  const [history, prs, tasks] = await Promise.all([
    readStageHistory(db, { stageIds: stages.map((s) => s.id), to }),
    listStagePullRequests(db, { to }),
    listTrackTasks(db),
  ]);
  const journeys = stages.map((stage) =>
    stageJourneys(history.stages.get(stage.id) ?? new Map(), history.firstProjectDay, rule),
  );
  const overall = overallJourneys(history.all, history.firstProjectDay, journeys, rule);
  const allPrs = new Map<number, PullRequestTiming>();
  for (const list of prs.values()) for (const pr of list) allPrs.set(pr.contributionId, pr);

  const tracks = groupTracks(
    tasks,
    config.config.umbrellaIssues.filter((u) => u.starterTrack),
  );
  const issues = [...new Set(tasks.map((t) => t.umbrellaNumber ?? t.issueNumber))];
  const merged = await listMergedReferencing(db, { issues, to, people: history.people });
  const levels = new Map<string | null, { credits: Credits; journeys: Journey[] }>([
    [null, { credits: history.all, journeys: overall }],
    ...stages.map((stage, i): [string, { credits: Credits; journeys: Journey[] }] => [
      stage.id,
      { credits: history.stages.get(stage.id) ?? new Map(), journeys: journeys[i] ?? [] },
    ]),
  ]);
  const conversions = trackConversions(tracks, merged, stageHistories(levels), rule);
  const named = (personId: number): OnboardingPerson =>
    history.people.get(personId) ?? { id: personId, login: null, name: "unknown" };
  return {
    ...query,
    returnWindowDays: rule.returnWindowDays,
    overall: funnelReport(overall, [...allPrs.values()]),
    stages: stages.map((stage, i) => ({
      id: stage.id,
      name: stage.name,
      ...funnelReport(journeys[i] ?? [], prs.get(stage.id) ?? []),
      newcomers: recentArrivals(journeys[i] ?? [], rule.asOfDay, rule.returnWindowDays).map((j) =>
        newcomer(j, history.people),
      ),
    })),
    tracks: conversions.map((track) => ({
      ...track,
      takenUpTasks: track.takenUpTasks.map((task) => ({
        ...task,
        people: task.people.map((person) => ({ ...person, ...named(person.personId) })),
      })),
    })),
  };
}

/**
 * A stage's newcomers as of a day, as getOnboardingReport names them (the same journeys, so the same
 * facts), without reading every stage's whole history: a stage page needs only the people who arrived
 * in the return window ending on the as-of day. Candidates are those active in the stage in that window
 * with no authored work there before it; only their credits in the stage are read.
 */
export async function listStageNewcomers(
  db: Database,
  { config, stageId, ...query }: OnboardingQuery & { config: CompiledConfig; stageId: string },
): Promise<Newcomer[]> {
  const to = windowEndingOn(query.asOf, 1).to;
  const rule = funnelRule(config, query);
  // recentArrivals' days: the return window ending on the as-of day.
  const since = windowEndingOn(query.asOf, rule.returnWindowDays).from;
  const candidates = await db
    .selectFrom((eb) =>
      eb
        .selectFrom("stageActivity as w")
        .where("w.stageId", "=", stageId)
        .where("w.occurredAt", ">=", since)
        .where("w.occurredAt", "<", to)
        .select("w.personId")
        .distinct()
        .as("r"),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("stageActivity as a")
            .innerJoin("contributionPeople as cp", (join) =>
              join
                .onRef("cp.contributionId", "=", "a.contributionId")
                .onRef("cp.personId", "=", "a.personId")
                .on("cp.role", "in", ["author", "co-author"]),
            )
            .whereRef("a.personId", "=", "r.personId")
            .where("a.stageId", "=", stageId)
            .where("a.occurredAt", "<", since)
            .select("a.personId"),
        ),
      ),
    )
    .select("r.personId")
    .execute();
  const ids = candidates.map((c) => c.personId);
  if (ids.length === 0) return [];
  const [{ people, firstProjectDay }, rows] = await Promise.all([
    listArrivingPeople(db, { to, personIds: ids }),
    Promise.all(
      chunk(ids, 1).map((part) =>
        db
          .selectFrom("stageActivity as a")
          .where("a.stageId", "=", stageId)
          .where("a.personId", "in", part)
          .where("a.occurredAt", "<", to)
          .select(({ exists, selectFrom }) => [
            "a.personId",
            "a.day",
            "a.weight",
            "a.contributionId",
            asInteger(
              exists(
                selectFrom("contributionPeople as cp")
                  .whereRef("cp.contributionId", "=", "a.contributionId")
                  .whereRef("cp.personId", "=", "a.personId")
                  .where("cp.role", "in", ["author", "co-author"])
                  .select("cp.personId"),
              ),
            ).as("authored"),
          ])
          .orderBy("a.personId")
          .orderBy("a.occurredAt")
          .execute(),
      ),
    ),
  ]);
  const credits: Credits = new Map();
  for (const row of rows.flat()) {
    if (!people.has(row.personId)) continue; // a bot
    const credit = {
      day: row.day,
      weight: row.weight,
      contributionId: row.contributionId,
      authored: row.authored === 1,
    };
    const list = credits.get(row.personId);
    if (list) list.push(credit);
    else credits.set(row.personId, [credit]);
  }
  for (const list of credits.values()) list.sort((x, y) => x.day - y.day);
  const journeys = stageJourneys(credits, firstProjectDay, rule);
  return recentArrivals(journeys, rule.asOfDay, rule.returnWindowDays).map((j) => newcomer(j, people));
}

/** A journey that arrived recently, as pages and the API name it. */
function newcomer(journey: Journey, people: Map<number, OnboardingPerson>): Newcomer {
  return {
    ...(people.get(journey.personId) ?? { id: journey.personId, login: null, name: "unknown" }),
    arrivedOn: journey.arrivedOn,
    firstToProject: journey.firstToProject,
    returnedOn: journey.returnedOn,
    returnPending: journey.returnPending,
    maintainerOn: journey.maintainerOn,
    contributions: journey.contributions,
  };
}
