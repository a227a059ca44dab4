import type { Database } from "../../db/database";
import type { ContributionKind, ContributionRole, ContributionSource } from "../../db/schema";
import { classifyContribution, type Classification, type Evidence, type FileChange } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import { dayNumber, type TimeWindow } from "../stewardship/metrics";
import { parseEvidence } from "./bus-factor.server";
import type { PersonIdentity } from "../stewardship/identity";
import type { Executor, PeopleResolver } from "./person.server";

export interface NewContribution {
  kind: ContributionKind;
  source: ContributionSource;
  sha: string | null;
  prNumber: number | null;
  title: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  refs: number[];
  labels: string[];
  files: Array<FileChange & { previousPath?: string | null }>;
  people: Array<{ identity: PersonIdentity; role: ContributionRole }>;
}

// SQLite allows 32,766 bound parameters per statement; stay well under it.
const MAX_PARAMS = 30_000;

function chunk<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/**
 * Stores a batch of contributions with their files, people, labels and stage activity, inside the
 * caller's transaction. Commits already stored (same sha) are skipped, so re-running an import adds
 * nothing. Returns how many were new.
 */
export async function insertContributions(
  trx: Executor,
  { config, people, items }: { config: CompiledConfig; people: PeopleResolver; items: NewContribution[] },
): Promise<number> {
  if (items.length === 0) return 0;
  const shas = items.map((i) => i.sha).filter((sha): sha is string => sha !== null);
  const known = new Set<string>();
  for (const part of chunk(shas, 1)) {
    const rows = await trx.selectFrom("contributions").select("sha").where("sha", "in", part).execute();
    for (const row of rows) if (row.sha) known.add(row.sha);
  }
  const fresh = items.filter((item) => item.sha === null || !known.has(item.sha));
  if (fresh.length === 0) return 0;

  const ids: number[] = [];
  for (const part of chunk(fresh, 11)) {
    const rows = await trx
      .insertInto("contributions")
      .values(
        part.map((item) => ({
          kind: item.kind,
          source: item.source,
          sha: item.sha,
          prNumber: item.prNumber,
          title: item.title,
          occurredAt: item.occurredAt,
          refs: JSON.stringify(item.refs),
          labels: JSON.stringify(item.labels),
          additions: item.files.reduce((sum, f) => sum + (f.added ?? 0), 0),
          deletions: item.files.reduce((sum, f) => sum + (f.deleted ?? 0), 0),
          fileCount: item.files.length,
        })),
      )
      .returning("id")
      .execute();
    // RETURNING yields rows in insertion order for a single multi-row INSERT in SQLite.
    ids.push(...rows.map((r) => Number(r.id)));
  }

  const fileRows = fresh.flatMap((item, i) => {
    const seen = new Set<string>();
    return item.files
      .filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)))
      .map((f) => ({
        contributionId: ids[i] ?? 0,
        path: f.path,
        added: f.added,
        deleted: f.deleted,
        previousPath: f.previousPath ?? null,
      }));
  });
  for (const part of chunk(fileRows, 5)) await trx.insertInto("contributionFiles").values(part).execute();

  const peopleRows: Array<{ contributionId: number; personId: number; role: ContributionRole }> = [];
  for (const [i, item] of fresh.entries()) {
    const seen = new Set<string>();
    for (const { identity, role } of item.people) {
      const personId = await people.resolve(trx, identity);
      const key = `${personId}:${role}`;
      if (seen.has(key)) continue;
      seen.add(key);
      peopleRows.push({ contributionId: ids[i] ?? 0, personId, role });
    }
  }
  for (const part of chunk(peopleRows, 3)) await trx.insertInto("contributionPeople").values(part).execute();

  const peopleById = groupByContribution(peopleRows);
  const verdicts = fresh.map((item, i) => ({
    contributionId: ids[i] ?? 0,
    occurredAt: item.occurredAt,
    people: peopleById.get(ids[i] ?? 0) ?? [],
    classification: classifyContribution(config, item),
  }));
  await storeClassifications(trx, config, verdicts);
  return fresh.length;
}

interface Verdict {
  contributionId: number;
  occurredAt: string;
  people: Array<{ personId: number; role: ContributionRole }>;
  classification: Classification;
}

/** Reviews weigh less than authored work; see the README's "How contributions count". */
export function activityWeight(role: ContributionRole): number {
  return role === "reviewer" ? 0.5 : 1;
}

async function storeClassifications(trx: Executor, config: CompiledConfig, verdicts: Verdict[]): Promise<void> {
  const classificationRows = verdicts.map((v) => ({
    contributionId: v.contributionId,
    configVersion: config.version,
    evidence: JSON.stringify(v.classification.evidence),
  }));
  for (const part of chunk(classificationRows, 3)) await trx.insertInto("classifications").values(part).execute();

  const stageRows = verdicts.flatMap((v) =>
    v.classification.stages.map((s) => ({ contributionId: v.contributionId, stageId: s.stageId, score: s.score })),
  );
  for (const part of chunk(stageRows, 3)) await trx.insertInto("contributionStages").values(part).execute();

  const activityRows = verdicts.flatMap((v) =>
    v.classification.stages.flatMap((s) => {
      const weights = new Map<number, number>();
      for (const p of v.people) weights.set(p.personId, Math.max(weights.get(p.personId) ?? 0, activityWeight(p.role)));
      return [...weights].map(([personId, weight]) => ({
        stageId: s.stageId,
        contributionId: v.contributionId,
        personId,
        occurredAt: v.occurredAt,
        day: dayNumber(v.occurredAt),
        weight,
      }));
    }),
  );
  for (const part of chunk(activityRows, 6)) await trx.insertInto("stageActivity").values(part).execute();
}

/**
 * Relabels stored contributions whose labels were made by another configuration version, in pages,
 * each in its own transaction; an interrupted run resumes where it stopped. Returns how many changed.
 */
export async function reclassifyStale(
  db: Database,
  { config, pageSize = 2000, onProgress }: { config: CompiledConfig; pageSize?: number; onProgress?: (done: number, total: number) => void },
): Promise<number> {
  const staleQuery = () =>
    db
      .selectFrom("contributions")
      .leftJoin("classifications", "classifications.contributionId", "contributions.id")
      .where((eb) => eb.or([eb("classifications.configVersion", "is", null), eb("classifications.configVersion", "!=", config.version)]));
  const { total } = await staleQuery().select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  let done = 0;
  while (done < Number(total)) {
    const page = await staleQuery()
      .select(["contributions.id", "contributions.title", "contributions.refs", "contributions.labels", "contributions.occurredAt"])
      .orderBy("contributions.id")
      .limit(pageSize)
      .execute();
    if (page.length === 0) break;
    await db.transaction().execute(async (trx) => {
      const ids = page.map((c) => c.id);
      const files = await trx
        .selectFrom("contributionFiles")
        .select(["contributionId", "path", "added", "deleted"])
        .where("contributionId", "in", ids)
        .execute();
      const people = await trx
        .selectFrom("contributionPeople")
        .select(["contributionId", "personId", "role"])
        .where("contributionId", "in", ids)
        .execute();
      const filesById = groupByContribution(files);
      const peopleById = groupByContribution(people);
      await trx.deleteFrom("stageActivity").where("contributionId", "in", ids).execute();
      await trx.deleteFrom("contributionStages").where("contributionId", "in", ids).execute();
      await trx.deleteFrom("classifications").where("contributionId", "in", ids).execute();
      await storeClassifications(
        trx,
        config,
        page.map((c) => ({
          contributionId: c.id,
          occurredAt: c.occurredAt,
          people: peopleById.get(c.id) ?? [],
          classification: classifyContribution(config, {
            title: c.title,
            refs: parseNumbers(c.refs),
            labels: parseStrings(c.labels),
            files: filesById.get(c.id) ?? [],
          }),
        })),
      );
    });
    done += page.length;
    onProgress?.(done, Number(total));
  }
  return done;
}

export function parseNumbers(json: string): number[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

export function parseStrings(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

// Map.groupBy arrives in Node 21; Steward runs on Node 20.
function groupByContribution<T extends { contributionId: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.contributionId);
    if (group) group.push(row);
    else groups.set(row.contributionId, [row]);
  }
  return groups;
}

export interface ContributionFilter {
  /** A stage id, or "none" for contributions that earned no stage. */
  stage?: string;
  personId?: number;
  from?: string;
  to?: string;
  sha?: string;
  pr?: number;
  limit?: number;
  offset?: number;
}

export interface ContributionView {
  id: number;
  kind: string;
  sha: string | null;
  pr: number | null;
  title: string;
  occurredAt: string;
  fileCount: number;
  authors: Array<{ id: number; login: string | null; name: string; role: ContributionRole }>;
  stages: Array<{ id: string; score: number }>;
  evidence: Evidence[];
}

/** Contributions newest first, with their people, stages and evidence; three queries per page. */
export async function listContributions(db: Database, filter: ContributionFilter): Promise<ContributionView[]> {
  let query = db
    .selectFrom("contributions as c")
    .leftJoin("classifications as cl", "cl.contributionId", "c.id")
    .select(["c.id", "c.kind", "c.sha", "c.prNumber", "c.title", "c.occurredAt", "c.fileCount", "cl.evidence"]);
  if (filter.sha) query = query.where("c.sha", "like", `${filter.sha.toLowerCase()}%`);
  if (filter.pr !== undefined) query = query.where("c.prNumber", "=", filter.pr);
  if (filter.from) query = query.where("c.occurredAt", ">=", filter.from);
  if (filter.to) query = query.where("c.occurredAt", "<", filter.to);
  if (filter.personId !== undefined) {
    const personId = filter.personId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("contributionPeople as cp")
          .select("cp.contributionId")
          .whereRef("cp.contributionId", "=", "c.id")
          .where("cp.personId", "=", personId),
      ),
    );
  }
  if (filter.stage === "none") {
    query = query.where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("contributionStages as cs").select("cs.contributionId").whereRef("cs.contributionId", "=", "c.id"))),
    );
  } else if (filter.stage) {
    const stageId = filter.stage;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("contributionStages as cs")
          .select("cs.contributionId")
          .whereRef("cs.contributionId", "=", "c.id")
          .where("cs.stageId", "=", stageId),
      ),
    );
  }
  const rows = await query
    .orderBy("c.occurredAt", "desc")
    .orderBy("c.id", "desc")
    .limit(filter.limit ?? 50)
    .offset(filter.offset ?? 0)
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [people, stages] = await Promise.all([
    db
      .selectFrom("contributionPeople as cp")
      .innerJoin("people as p", "p.id", "cp.personId")
      .where("cp.contributionId", "in", ids)
      .select(["cp.contributionId", "p.id", "p.login", "p.name", "cp.role"])
      .orderBy("cp.role")
      .execute(),
    db
      .selectFrom("contributionStages")
      .where("contributionId", "in", ids)
      .select(["contributionId", "stageId", "score"])
      .orderBy("score", "desc")
      .execute(),
  ]);
  const peopleById = groupByContribution(people);
  const stagesById = groupByContribution(stages);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    sha: row.sha,
    pr: row.prNumber,
    title: row.title,
    occurredAt: row.occurredAt,
    fileCount: row.fileCount,
    authors: (peopleById.get(row.id) ?? []).map((p) => ({ id: p.id, login: p.login, name: p.name, role: p.role })),
    stages: (stagesById.get(row.id) ?? []).map((s) => ({ id: s.stageId, score: s.score })),
    evidence: parseEvidence(row.evidence),
  }));
}

export interface StageFile {
  path: string;
  contributions: number;
  lines: number;
}

/** The files most often changed by a stage's contributions in the window. */
export async function listBusiestStageFiles(
  db: Database,
  { stageId, window, limit = 10 }: { stageId: string; window: TimeWindow; limit?: number },
): Promise<StageFile[]> {
  const rows = await db
    .selectFrom("contributionStages as cs")
    .innerJoin("contributions as c", "c.id", "cs.contributionId")
    .innerJoin("contributionFiles as f", "f.contributionId", "c.id")
    .where("cs.stageId", "=", stageId)
    .where("c.occurredAt", ">=", window.from)
    .where("c.occurredAt", "<", window.to)
    .groupBy("f.path")
    .select((eb) => [
      "f.path",
      eb.fn.countAll<number>().as("contributions"),
      eb.fn.sum<number>(eb(eb.fn.coalesce("f.added", eb.lit(0)), "+", eb.fn.coalesce("f.deleted", eb.lit(0)))).as("lines"),
    ])
    .orderBy("contributions", "desc")
    .orderBy("lines", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ path: r.path, contributions: Number(r.contributions), lines: Number(r.lines) }));
}
