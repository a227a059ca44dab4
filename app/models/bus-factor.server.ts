import { sql } from "kysely";
import type { Database } from "../../db/database";
import type { Evidence } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import {
  contributorAbsenceFactor,
  countQualifyingPerWindow,
  creditInWindow,
  dayToDate,
  describeStatus,
  goalStatus,
  lastQualifyingDay,
  toDayWindow,
  trendPoints,
  windowEndingOn,
  type Credit,
  type GoalStatus,
  type TimeWindow,
} from "../stewardship/metrics";

export interface BusFactorQuery {
  asOf: string;
  windowDays: number;
  /** Credits (contributions, reviews at their weight) needed in the window to count as a maintainer. */
  min: number;
}

export interface StageContributor {
  id: number;
  login: string | null;
  name: string;
  /** Contributions to the stage in the window. */
  contributions: number;
  /** Their weighted sum, compared with `min`. */
  credit: number;
}

/**
 * Everyone (bots excluded) with credited work on each stage in the window, most credit first.
 * One grouped query over the (stage, time) covering index.
 */
export async function listStageContributors(
  db: Database,
  { window, stageId }: { window: TimeWindow; stageId?: string },
): Promise<Map<string, StageContributor[]>> {
  let query = db
    .selectFrom("stageActivity as a")
    .innerJoin("people as p", "p.id", "a.personId")
    .where("p.isBot", "=", 0)
    .where("a.occurredAt", ">=", window.from)
    .where("a.occurredAt", "<", window.to)
    .groupBy(["a.stageId", "a.personId"])
    .select((eb) => [
      "a.stageId",
      "a.personId as id",
      eb.fn.max("p.login").as("login"),
      eb.fn.max("p.name").as("name"),
      eb.fn.countAll<number>().as("contributions"),
      eb.fn.sum<number>("a.weight").as("credit"),
    ])
    .orderBy("a.stageId")
    .orderBy("credit", "desc")
    .orderBy("contributions", "desc")
    .orderBy("name");
  if (stageId) query = query.where("a.stageId", "=", stageId);
  const rows = await query.execute();
  const byStage = new Map<string, StageContributor[]>();
  for (const row of rows) {
    const list = byStage.get(row.stageId) ?? [];
    list.push({
      id: row.id,
      login: row.login,
      name: row.name ?? row.login ?? "unknown",
      contributions: Number(row.contributions),
      credit: Number(row.credit),
    });
    byStage.set(row.stageId, list);
  }
  return byStage;
}

export interface MonthlyCount {
  month: string;
  asOf: string;
  value: number;
}

const TREND_MONTHS = 24;

// Most credit first; ties by name with a plain comparison (localeCompare is ICU-slow over thousands of ties).
function byCredit(a: StageContributor, b: StageContributor): number {
  return b.credit - a.credit || b.contributions - a.contributions || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export interface ActiveMaintainer extends StageContributor {
  /** The last day they still meet the rule if they do no more work (`YYYY-MM-DD`). */
  countsUntil: string;
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
}

export interface BusFactorReport extends BusFactorQuery {
  window: TimeWindow;
  stages: StageReport[];
}

interface StageActivity {
  stageId: string;
  person: { id: number; login: string | null; name: string };
  /** Sorted by time. */
  credits: Credit[];
}

/**
 * Each (stage, person)'s credits in the span, bots excluded, in two queries that each return one row per
 * stage or one in all: node-sqlite3 spends microseconds building every result row, and a GROUP BY person
 * would make SQLite sort. So the credits come as one packed `person day weight,…` string per stage, read
 * in the (stage, time) covering index's order, and the people who ever worked on a stage as one JSON
 * array (JSON because names may hold any character); bots are left out by not being in that array.
 * This keeps the 24-month trend fast at 200k contributions. (group_concat is SQLite's name; PostgreSQL
 * calls it string_agg.)
 */
async function listStageActivity(
  db: Database,
  { stageIds, span }: { stageIds: string[]; span: TimeWindow },
): Promise<StageActivity[]> {
  if (stageIds.length === 0) return [];
  const [stages, people] = await Promise.all([
    db
      .selectFrom("stageActivity as a")
      .where("a.stageId", "in", stageIds)
      .where("a.occurredAt", ">=", span.from)
      .where("a.occurredAt", "<", span.to)
      .groupBy("a.stageId")
      .select(["a.stageId", sql<string>`group_concat(a.person_id || ' ' || a.day || ' ' || a.weight)`.as("credits")])
      .execute(),
    db
      .selectFrom("people as p")
      .where("p.isBot", "=", 0)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom("stageActivity as a").whereRef("a.personId", "=", "p.id").select("a.personId")),
      )
      .select(sql<string>`json_group_array(json_array(p.id, p.login, p.name))`.as("people"))
      .executeTakeFirstOrThrow(),
  ]);
  const byId = new Map<number, StageActivity["person"]>();
  for (const [id, login, name] of JSON.parse(people.people) as [number, string | null, string | null][]) {
    byId.set(id, { id, login, name: name ?? login ?? "unknown" });
  }
  const activity: StageActivity[] = [];
  for (const { stageId, credits } of stages) {
    const byPerson = new Map<number, Credit[]>();
    for (const packed of credits.split(",")) {
      const first = packed.indexOf(" ");
      const second = packed.indexOf(" ", first + 1);
      const personId = Number(packed.slice(0, first));
      const credit = { day: Number(packed.slice(first + 1, second)), weight: Number(packed.slice(second + 1)) };
      const list = byPerson.get(personId);
      if (list) list.push(credit);
      else byPerson.set(personId, [credit]);
    }
    for (const [personId, list] of byPerson) {
      const person = byId.get(personId);
      if (!person) continue; // a bot
      // Already in time order when SQLite walked the index; sorting a sorted list is one pass.
      activity.push({ stageId, person, credits: list.sort((x, y) => x.day - y.day) });
    }
  }
  return activity;
}

/**
 * The dashboard's numbers for every configured stage (or one), as of a date: one query for the
 * 24-month span, from which the current window's people and the monthly trend are both counted.
 */
export async function getBusFactorReport(
  db: Database,
  { config, stageId, ...query }: BusFactorQuery & { config: CompiledConfig; stageId?: string },
): Promise<BusFactorReport> {
  const window = windowEndingOn(query.asOf, query.windowDays);
  const stages = config.config.stages.filter((s) => !stageId || s.id === stageId);
  const points = trendPoints(query.asOf, TREND_MONTHS);
  const windows = points.map((point) => windowEndingOn(point.asOf, query.windowDays));
  const span = { from: windows[0]?.from ?? window.from, to: window.to };
  const dayWindows = windows.map(toDayWindow);
  const current = toDayWindow(window);
  const activity = await listStageActivity(db, { stageIds: stages.map((s) => s.id), span });
  return {
    ...query,
    window,
    stages: stages.map((stage) => {
      const stageActivity = activity.filter((a) => a.stageId === stage.id);
      const people = stageActivity
        .map(({ person, credits }) => ({ ...person, ...creditInWindow(credits, current) }))
        .filter((p) => p.contributions > 0)
        .sort(byCredit);
      const qualifies = (p: StageContributor) => p.credit >= query.min - 1e-9;
      const creditsOf = new Map(stageActivity.map((a) => [a.person.id, a.credits]));
      const activeMaintainers = people.filter(qualifies).map((p) => {
        const inWindow = (creditsOf.get(p.id) ?? []).filter((c) => c.day >= current.from && c.day < current.to);
        const lastDay = lastQualifyingDay(inWindow, query.windowDays, query.min);
        return { ...p, countsUntil: lastDay === null ? query.asOf : dayToDate(lastDay) };
      });
      const status = goalStatus(activeMaintainers.length, stage.goal);
      const trend = countQualifyingPerWindow(
        stageActivity.map((a) => a.credits),
        dayWindows,
        query.min,
      );
      return {
        id: stage.id,
        name: stage.name,
        description: stage.description,
        goal: stage.goal,
        status,
        statusText: describeStatus(status, activeMaintainers.length, stage.goal),
        activeMaintainers,
        otherContributors: people.filter((p) => !qualifies(p)),
        contributorAbsenceFactor: contributorAbsenceFactor(people.map((p) => p.contributions)),
        trend: points.map((point, k) => ({ month: point.month, asOf: point.asOf, value: trend[k] ?? 0 })),
      };
    }),
  };
}

export interface CreditedContribution {
  contributionId: number;
  personId: number;
  kind: string;
  sha: string | null;
  prNumber: number | null;
  title: string;
  occurredAt: string;
  weight: number;
  /** How the person took part: authored, co-authored or reviewed. */
  roles: string[];
  evidence: Evidence[];
}

/** The contributions that make each of `personIds` count for a stage in the window: the "why". */
export async function listCreditedContributions(
  db: Database,
  { stageId, personIds, window }: { stageId: string; personIds: number[]; window: TimeWindow },
): Promise<Map<number, CreditedContribution[]>> {
  const byPerson = new Map<number, CreditedContribution[]>();
  if (personIds.length === 0) return byPerson;
  const rows = await db
    .selectFrom("stageActivity as a")
    .innerJoin("contributions as c", "c.id", "a.contributionId")
    .leftJoin("classifications as cl", "cl.contributionId", "c.id")
    .where("a.stageId", "=", stageId)
    .where("a.personId", "in", personIds)
    .where("a.occurredAt", ">=", window.from)
    .where("a.occurredAt", "<", window.to)
    .select([
      "a.contributionId",
      "a.personId",
      "a.weight",
      "c.kind",
      "c.sha",
      "c.prNumber",
      "c.title",
      "a.occurredAt",
      "cl.evidence",
    ])
    .orderBy("a.occurredAt", "desc")
    .execute();
  const roles = new Map<string, string[]>();
  const contributionIds = [...new Set(rows.map((r) => r.contributionId))];
  for (let i = 0; i < contributionIds.length; i += 5000) {
    const parts = await db
      .selectFrom("contributionPeople")
      .select(["contributionId", "personId", "role"])
      .where("contributionId", "in", contributionIds.slice(i, i + 5000))
      .where("personId", "in", personIds)
      .execute();
    for (const part of parts) {
      const key = `${part.contributionId}:${part.personId}`;
      roles.set(key, [...(roles.get(key) ?? []), part.role]);
    }
  }
  for (const row of rows) {
    const list = byPerson.get(row.personId) ?? [];
    list.push({
      roles: roles.get(`${row.contributionId}:${row.personId}`) ?? [],
      contributionId: row.contributionId,
      personId: row.personId,
      kind: row.kind,
      sha: row.sha,
      prNumber: row.prNumber,
      title: row.title,
      occurredAt: row.occurredAt,
      weight: row.weight,
      evidence: parseEvidence(row.evidence).filter((e) => e.stageId === stageId && e.weight > 0),
    });
    byPerson.set(row.personId, list);
  }
  return byPerson;
}

export function parseEvidence(json: string | null): Evidence[] {
  if (!json) return [];
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter(isEvidence) : [];
}

function isEvidence(value: unknown): value is Evidence {
  return typeof value === "object" && value !== null && "rule" in value && "detail" in value;
}

/** Each stage's active maintainers as of a date: the suggested mentors for its starter tasks. */
export async function listActiveMaintainers(
  db: Database,
  { asOf, windowDays, min }: BusFactorQuery,
): Promise<Map<string, StageContributor[]>> {
  const contributors = await listStageContributors(db, { window: windowEndingOn(asOf, windowDays) });
  return new Map([...contributors].map(([stageId, people]) => [stageId, people.filter((p) => p.credit >= min)]));
}
