import { sql } from "kysely";
import type { Database } from "../../db/database";
import {
  composeStageReport,
  reportWindows,
  type PersonCredits,
  type StageContributor,
  type StageReport,
} from "../stewardship/bus-factor";
import type { Evidence } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import { qualifies, todayUtc, windowEndingOn, type Credit, type TimeWindow } from "../stewardship/metrics";
import { chunk, parseEvidence } from "./columns.server";
import { listStageGoals } from "./stage-goal.server";
import { forEachPackedRow, jsonRows, packedRows } from "./dialect.server";

export interface BusFactorQuery {
  asOf: string;
  windowDays: number;
  /** Credit (contributions, reviews at their weight) needed in the window to count as a maintainer. */
  min: number;
}

/**
 * Everyone (bots excluded) with credited work on each stage in the window, most credit first.
 * One grouped query over the (stage, time) covering index.
 */
export async function listStageContributors(
  db: Database,
  { window, stageId }: { window: TimeWindow; stageId?: string },
): Promise<Map<string, RecentContributor[]>> {
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
      eb.fn.max("a.occurredAt").as("lastActive"),
    ])
    .orderBy("a.stageId")
    .orderBy("credit", "desc")
    .orderBy("contributions", "desc")
    .orderBy("name")
    .orderBy("a.personId"); // namesakes: in a fixed order on either database
  if (stageId) query = query.where("a.stageId", "=", stageId);
  const rows = await query.execute();
  const byStage = new Map<string, RecentContributor[]>();
  for (const row of rows) {
    const list = byStage.get(row.stageId) ?? [];
    list.push({
      id: row.id,
      login: row.login,
      name: row.name ?? row.login ?? "unknown",
      contributions: Number(row.contributions),
      credit: Number(row.credit),
      lastActive: row.lastActive,
    });
    byStage.set(row.stageId, list);
  }
  return byStage;
}

/** A stage contributor with the time of their latest credited work in the window. */
export interface RecentContributor extends StageContributor {
  lastActive: string;
}

export interface BusFactorReport extends BusFactorQuery {
  window: TimeWindow;
  /** Each stage's report, with the date its goal is due by (null while only the configuration sets it). */
  stages: Array<StageReport & { goalDueOn: string | null }>;
}

interface StageActivity extends PersonCredits {
  stageId: string;
}

/**
 * Each (stage, person)'s credits in the span, bots excluded, in two queries that each return one row per
 * stage or one in all: node-sqlite3 spends microseconds building every result row, and a GROUP BY person
 * would make SQLite sort. So the credits come as one packed `person day weight,…` string per stage, read
 * in the (stage, time) covering index's order, and the people who ever worked on a stage as one JSON
 * array (JSON because names may hold any character); bots are left out by not being in that array.
 * This keeps the 24-month trend fast at 200k contributions. (packedRows and jsonRows in dialect.server.ts
 * spell it for SQLite and PostgreSQL.)
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
      .select([
        "a.stageId",
        packedRows(db, [sql.ref("a.personId"), sql.ref("a.day"), sql.ref("a.weight")]).as("credits"),
      ])
      .execute(),
    db
      .selectFrom("people as p")
      .where("p.isBot", "=", 0)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom("stageActivity as a").whereRef("a.personId", "=", "p.id").select("a.personId")),
      )
      .select(jsonRows(db, [sql.ref("p.id"), sql.ref("p.login"), sql.ref("p.name")]).as("people"))
      .executeTakeFirstOrThrow(),
  ]);
  const byId = new Map<number, PersonCredits["person"]>();
  for (const [id, login, name] of JSON.parse(people.people) as [number, string | null, string | null][]) {
    byId.set(id, { id, login, name: name ?? login ?? "unknown" });
  }
  const activity: StageActivity[] = [];
  for (const { stageId, credits } of stages) {
    const byPerson = new Map<number, Credit[]>();
    forEachPackedRow(credits, 3, (values) => {
      const personId = values[0] ?? 0;
      const credit = { day: values[1] ?? 0, weight: values[2] ?? 0 };
      const list = byPerson.get(personId);
      if (list) list.push(credit);
      else byPerson.set(personId, [credit]);
    });
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
  const windows = reportWindows(query.asOf, query.windowDays);
  const stages = config.config.stages.filter((s) => !stageId || s.id === stageId);
  const [activity, goals] = await Promise.all([
    listStageActivity(db, { stageIds: stages.map((s) => s.id), span: windows.span }),
    listStageGoals(db, { stages }),
  ]);
  return {
    ...query,
    window: windows.window,
    stages: stages.map((stage) => {
      // A goal a steward set replaces the configuration's; writing one changes the data version, so
      // cached reports are recomputed with it.
      const goal = goals.find((g) => g.stageId === stage.id);
      return {
        ...composeStageReport(
          { ...stage, goal: goal?.target ?? stage.goal },
          activity.filter((a) => a.stageId === stage.id),
          windows,
          query.min,
        ),
        goalDueOn: goal?.dueOn ?? null,
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

/**
 * The contributions that make each of `personIds` count for a stage in the window (the "why"): each
 * person's `limit` latest, so a page stays small however long the window or busy the person; the
 * person's total is the `contributions` of their report row.
 */
export async function listCreditedContributions(
  db: Database,
  { stageId, personIds, window, limit }: { stageId: string; personIds: number[]; window: TimeWindow; limit: number },
): Promise<Map<number, CreditedContribution[]>> {
  const byPerson = new Map<number, CreditedContribution[]>();
  if (personIds.length === 0) return byPerson;
  const latest = db
    .selectFrom("stageActivity as a")
    .where("a.stageId", "=", stageId)
    .where("a.personId", "in", personIds)
    .where("a.occurredAt", ">=", window.from)
    .where("a.occurredAt", "<", window.to)
    .select((eb) => [
      "a.contributionId",
      "a.personId",
      "a.weight",
      "a.occurredAt",
      eb.fn
        .agg<number>("row_number")
        .over((over) =>
          over.partitionBy("a.personId").orderBy("a.occurredAt", "desc").orderBy("a.contributionId", "desc"),
        )
        .as("rank"),
    ]);
  const rows = await db
    .selectFrom(latest.as("a"))
    .innerJoin("contributions as c", "c.id", "a.contributionId")
    .leftJoin("classifications as cl", "cl.contributionId", "c.id")
    .where("a.rank", "<=", limit)
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
    .orderBy("a.contributionId", "desc")
    .execute();
  const roles = new Map<string, string[]>();
  const contributionIds = [...new Set(rows.map((r) => r.contributionId))];
  for (const part of chunk(contributionIds, 1)) {
    const parts = await db
      .selectFrom("contributionPeople")
      .select(["contributionId", "personId", "role"])
      .where("contributionId", "in", part)
      .where("personId", "in", personIds)
      .orderBy("role")
      .execute();
    for (const row of parts) {
      const key = `${row.contributionId}:${row.personId}`;
      roles.set(key, [...(roles.get(key) ?? []), row.role]);
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

/** Each stage's active maintainers as of a date: the suggested mentors for its starter tasks. */
export async function listActiveMaintainers(
  db: Database,
  { asOf, windowDays, min }: BusFactorQuery,
): Promise<Map<string, RecentContributor[]>> {
  const contributors = await listStageContributors(db, { window: windowEndingOn(asOf, windowDays) });
  return new Map(
    [...contributors].map(([stageId, people]) => [stageId, people.filter((p) => qualifies(p.credit, min))]),
  );
}

/**
 * Each stage's active maintainers under the configured rule as of today, or as of `asOf` (the newest
 * data day when the data stops before today): the mentors a page suggests.
 */
export async function listTodaysMaintainers(
  db: Database,
  config: CompiledConfig,
  { asOf = todayUtc() }: { asOf?: string } = {},
): Promise<Map<string, RecentContributor[]>> {
  const { windowDays, minCredit } = config.maintainerRule;
  return listActiveMaintainers(db, { asOf, windowDays, min: minCredit });
}

/**
 * How many of each person's contributions to a stage in the window they authored (or co-authored); the
 * rest of their `contributions` they reviewed (a person counts once per contribution, authoring first).
 */
export async function countAuthoredContributions(
  db: Database,
  { stageId, personIds, window }: { stageId: string; personIds: number[]; window: TimeWindow },
): Promise<Map<number, number>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("stageActivity as a")
    .where("a.stageId", "=", stageId)
    .where("a.personId", "in", personIds)
    .where("a.occurredAt", ">=", window.from)
    .where("a.occurredAt", "<", window.to)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("contributionPeople as cp")
          .select("cp.contributionId")
          .whereRef("cp.contributionId", "=", "a.contributionId")
          .whereRef("cp.personId", "=", "a.personId")
          .where("cp.role", "in", ["author", "co-author"]),
      ),
    )
    .groupBy("a.personId")
    .select((eb) => ["a.personId", eb.fn.countAll<number>().as("authored")])
    .execute();
  return new Map(rows.map((r) => [r.personId, Number(r.authored)]));
}
