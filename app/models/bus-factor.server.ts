import type { Database } from "../../db/database";
import type { Evidence } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import {
  contributorAbsenceFactor,
  describeStatus,
  goalStatus,
  trendPoints,
  windowEndingOn,
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

/**
 * The number of active maintainers per stage at each of the last `months` month ends, in one query:
 * the measuring points (one per stage and month) are joined to the activity in their window, and
 * people are counted where their credit reaches `min`.
 */
export async function countMaintainersByMonth(
  db: Database,
  { stageIds, asOf, windowDays, min, months = 24 }: BusFactorQuery & { stageIds: string[]; months?: number },
): Promise<Map<string, MonthlyCount[]>> {
  const points = trendPoints(asOf, months);
  const selects = stageIds.flatMap((stageId) =>
    points.map((point) => {
      const window = windowEndingOn(point.asOf, windowDays);
      return db.selectNoFrom((eb) => [
        eb.val(stageId).as("stageId"),
        eb.val(point.month).as("month"),
        eb.val(window.from).as("windowFrom"),
        eb.val(window.to).as("windowTo"),
      ]);
    }),
  );
  const result = new Map<string, MonthlyCount[]>(
    stageIds.map((id) => [id, points.map((p) => ({ month: p.month, asOf: p.asOf, value: 0 }))]),
  );
  const [first, ...rest] = selects;
  if (!first) return result;
  const pointsQuery = rest.reduce((union, next) => union.unionAll(next), first);

  const rows = await db
    .with("points", () => pointsQuery)
    .with("maintainers", (qb) =>
      qb
        .selectFrom("points")
        .innerJoin("stageActivity as a", (join) =>
          join
            .onRef("a.stageId", "=", "points.stageId")
            .onRef("a.occurredAt", ">=", "points.windowFrom")
            .onRef("a.occurredAt", "<", "points.windowTo"),
        )
        .innerJoin("people as p", "p.id", "a.personId")
        .where("p.isBot", "=", 0)
        .groupBy(["points.stageId", "points.month", "a.personId"])
        .having((eb) => eb.fn.sum("a.weight"), ">=", min)
        .select(["points.stageId", "points.month"]),
    )
    .selectFrom("maintainers")
    .groupBy(["maintainers.stageId", "maintainers.month"])
    .select((eb) => ["maintainers.stageId", "maintainers.month", eb.fn.countAll<number>().as("value")])
    .execute();

  for (const row of rows) {
    const point = result.get(String(row.stageId))?.find((p) => p.month === row.month);
    if (point) point.value = Number(row.value);
  }
  return result;
}

export interface StageReport {
  id: string;
  name: string;
  description: string;
  goal: number;
  status: GoalStatus;
  statusText: string;
  activeMaintainers: StageContributor[];
  /** Everyone with credited work in the window who is not (yet) an active maintainer. */
  otherContributors: StageContributor[];
  contributorAbsenceFactor: number;
  trend: MonthlyCount[];
}

export interface BusFactorReport extends BusFactorQuery {
  window: TimeWindow;
  stages: StageReport[];
}

/** The dashboard's numbers for every configured stage (or one), as of a date. */
export async function getBusFactorReport(
  db: Database,
  { config, stageId, ...query }: BusFactorQuery & { config: CompiledConfig; stageId?: string },
): Promise<BusFactorReport> {
  const window = windowEndingOn(query.asOf, query.windowDays);
  const stages = config.config.stages.filter((s) => !stageId || s.id === stageId);
  const [contributors, trends] = await Promise.all([
    listStageContributors(db, { window, stageId }),
    countMaintainersByMonth(db, { ...query, stageIds: stages.map((s) => s.id) }),
  ]);
  return {
    ...query,
    window,
    stages: stages.map((stage) => {
      const people = contributors.get(stage.id) ?? [];
      const activeMaintainers = people.filter((p) => p.credit >= query.min);
      const status = goalStatus(activeMaintainers.length, stage.goal);
      return {
        id: stage.id,
        name: stage.name,
        description: stage.description,
        goal: stage.goal,
        status,
        statusText: describeStatus(status, activeMaintainers.length, stage.goal),
        activeMaintainers,
        otherContributors: people.filter((p) => p.credit < query.min),
        contributorAbsenceFactor: contributorAbsenceFactor(people.map((p) => p.contributions)),
        trend: trends.get(stage.id) ?? [],
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
      "c.occurredAt",
      "cl.evidence",
    ])
    .orderBy("c.occurredAt", "desc")
    .execute();
  for (const row of rows) {
    const list = byPerson.get(row.personId) ?? [];
    list.push({
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
