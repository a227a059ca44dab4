import { sql } from "kysely";
import type { Database, Executor } from "../../db/database";
import type { ContributionRole } from "../../db/schema";
import type { Evidence } from "../stewardship/classify";
import { isGeneratedPath, type CompiledConfig } from "../stewardship/config";
import type { TimeWindow } from "../stewardship/metrics";
import { correctionNote } from "../stewardship/corrections";
import { containsPattern } from "../stewardship/query-params";
import { listStandingCorrections } from "./classification.server";
import { chunk, groupByContribution, parseEvidence } from "./columns.server";
import { likeIgnoringCase } from "./dialect.server";

export interface ContributionFilter {
  /** A stage id, "none" for contributions that earned no stage, "any" for those that earned one. */
  stage?: string;
  /** Words the title contains (case-insensitive for ASCII, as SQLite's LIKE). */
  q?: string;
  /** Part of a contributor's name or login. */
  who?: string;
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
  /** The steward's correction its stages come from, if one stands. */
  correction: { id: number; login: string; reason: string; note: string } | null;
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
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where(likeIgnoringCase(db, sql.ref("c.title"), pattern));
  }
  if (filter.who) {
    const pattern = containsPattern(filter.who.replace(/^@/, ""));
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("contributionPeople as cp")
          .innerJoin("people as p", "p.id", "cp.personId")
          .select("cp.contributionId")
          .whereRef("cp.contributionId", "=", "c.id")
          .where((eb) =>
            eb.or([
              likeIgnoringCase(db, sql.ref("p.name"), pattern),
              likeIgnoringCase(db, sql.ref("p.login"), pattern),
            ]),
          ),
      ),
    );
  }
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
  if (filter.stage) {
    const stageId = filter.stage;
    query = query.where(({ not, exists, selectFrom }) => {
      const stages = selectFrom("contributionStages as cs")
        .select("cs.contributionId")
        .whereRef("cs.contributionId", "=", "c.id");
      if (stageId === "none") return not(exists(stages));
      return stageId === "any" ? exists(stages) : exists(stages.where("cs.stageId", "=", stageId));
    });
  }
  const rows = await query
    .orderBy("c.occurredAt", "desc")
    .orderBy("c.id", "desc")
    .limit(filter.limit ?? 50)
    .offset(filter.offset ?? 0)
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [people, stages, corrections] = await Promise.all([
    db
      .selectFrom("contributionPeople as cp")
      .innerJoin("people as p", "p.id", "cp.personId")
      .where("cp.contributionId", "in", ids)
      .select(["cp.contributionId", "p.id", "p.login", "p.name", "cp.role"])
      // Ties broken by id: SQLite and PostgreSQL return equal rows in different orders.
      .orderBy("cp.role")
      .orderBy("p.id")
      .execute(),
    db
      .selectFrom("contributionStages")
      .where("contributionId", "in", ids)
      .select(["contributionId", "stageId", "score"])
      .orderBy("score", "desc")
      .orderBy("stageId")
      .execute(),
    listStandingCorrections(db, ids),
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
    correction: correctionView(corrections.get(row.id)),
  }));
}

function correctionView(
  correction: { id: number; login: string; reason: string } | undefined,
): ContributionView["correction"] {
  if (!correction) return null;
  const { id, login, reason } = correction;
  return { id, login, reason, note: correctionNote(correction) };
}

export interface StageFile {
  path: string;
  contributions: number;
  lines: number;
}

export interface BusiestStageFiles {
  /** Hand-written files, most often changed first. */
  files: StageFile[];
  /** Generated files that would have ranked among them: shown apart, since they follow their sources. */
  generated: StageFile[];
}

/**
 * The hand-written files most often changed by a stage's contributions in the window. Generated files
 * (`isGeneratedPath`) are counted apart: `optimizer_cases.c.h` changes with every `optimizer_bytecodes.c`
 * change and would otherwise top every list. The configuration's globs are not SQL, so ranked rows are
 * read a page at a time until `limit` hand-written files are found; generated ones are few.
 */
export async function listBusiestStageFiles(
  db: Database,
  {
    config,
    stageId,
    window,
    limit = 10,
  }: { config: CompiledConfig; stageId: string; window: TimeWindow; limit?: number },
): Promise<BusiestStageFiles> {
  const ranked = db
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
      eb.fn
        .sum<number>(eb(eb.fn.coalesce("f.added", eb.lit(0)), "+", eb.fn.coalesce("f.deleted", eb.lit(0))))
        .as("lines"),
    ])
    .orderBy("contributions", "desc")
    .orderBy("lines", "desc")
    .orderBy("f.path");
  const page = Math.max(20, limit * 2);
  const busiest: BusiestStageFiles = { files: [], generated: [] };
  for (let offset = 0; busiest.files.length < limit; offset += page) {
    const rows = await ranked.limit(page).offset(offset).execute();
    for (const row of rows) {
      const file = { path: row.path, contributions: Number(row.contributions), lines: Number(row.lines) };
      if (isGeneratedPath(config, file.path)) busiest.generated.push(file);
      else busiest.files.push(file);
      if (busiest.files.length === limit) break;
    }
    if (rows.length < page) break;
  }
  return busiest;
}

/**
 * How many of the commits with these shas each stage labelled, and how many no stage labelled (`null`):
 * the import summary's per-stage counts. A commit with two stages counts for both.
 */
export async function countCommitsPerStage(
  db: Executor,
  { shas }: { shas: string[] },
): Promise<Map<string | null, number>> {
  const counts = new Map<string | null, number>();
  for (const part of chunk(shas, 1)) {
    const rows = await db
      .selectFrom("contributions as c")
      .leftJoin("contributionStages as cs", "cs.contributionId", "c.id")
      .where("c.sha", "in", part)
      .groupBy("cs.stageId")
      .select((eb) => ["cs.stageId", eb.fn.countAll<number>().as("contributions")])
      .execute();
    for (const row of rows) counts.set(row.stageId, (counts.get(row.stageId) ?? 0) + Number(row.contributions));
  }
  return counts;
}
