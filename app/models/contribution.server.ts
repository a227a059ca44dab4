import type { Database } from "../../db/database";
import type { ContributionKind, ContributionRole, ContributionSource } from "../../db/schema";
import { classifyContribution, type Classification, type FileChange } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
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
        weight,
      }));
    }),
  );
  for (const part of chunk(activityRows, 5)) await trx.insertInto("stageActivity").values(part).execute();
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
