import type { Database, Executor } from "../../db/database";
import type { Evidence } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import { correctionAuditStage, type ContributionRef } from "../stewardship/corrections";
import { insertAuditEvent } from "./audit.server";
import { reclassifyContributions } from "./classification.server";
import { parseEvidence, parseStrings, toJsonArray } from "./columns.server";

/** A contribution as a correction names it. */
export interface CorrectedContribution {
  id: number;
  sha: string | null;
  pr: number | null;
  title: string;
}

/** A stored correction, with its contribution and whether it is the one that counts for it now. */
export interface StageCorrectionView {
  id: number;
  contribution: CorrectedContribution;
  stages: string[];
  reason: string;
  by: string;
  at: string;
  undoneAt: string | null;
  undoneBy: string | null;
  /** The newest correction of its contribution not undone: the stages it sets are the stored ones. */
  standing: boolean;
}

/** A contribution's stored verdict, as an audit event records it before and after a correction. */
interface StoredVerdict {
  stages: string[];
  evidence: Evidence[];
}

/**
 * The contributions a reference names: `#N` every contribution of pull request N, a sha (prefix) the
 * commits it begins. At most `limit`, so a caller can tell one from several.
 */
export async function listContributionsByRef(
  db: Executor,
  ref: ContributionRef,
  { limit = 2 }: { limit?: number } = {},
): Promise<CorrectedContribution[]> {
  let query = db.selectFrom("contributions").select(["id", "sha", "prNumber", "title"]).orderBy("id").limit(limit);
  query = "pr" in ref ? query.where("prNumber", "=", ref.pr) : query.where("sha", "like", `${ref.sha}%`);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, sha: r.sha, pr: r.prNumber, title: r.title }));
}

async function getCorrectedContribution(db: Executor, id: number): Promise<CorrectedContribution | null> {
  const row = await db
    .selectFrom("contributions")
    .select(["id", "sha", "prNumber", "title"])
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? { id: row.id, sha: row.sha, pr: row.prNumber, title: row.title } : null;
}

async function getStoredVerdict(db: Executor, contributionId: number): Promise<StoredVerdict> {
  const [stages, classification] = await Promise.all([
    db
      .selectFrom("contributionStages")
      .select("stageId")
      .where("contributionId", "=", contributionId)
      .orderBy("score", "desc")
      .orderBy("stageId")
      .execute(),
    db.selectFrom("classifications").select("evidence").where("contributionId", "=", contributionId).executeTakeFirst(),
  ]);
  return { stages: stages.map((s) => s.stageId), evidence: parseEvidence(classification?.evidence ?? null) };
}

async function listCreditedPeople(db: Executor, contributionId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("contributionPeople")
    .select("personId")
    .where("contributionId", "=", contributionId)
    .execute();
  return [...new Set(rows.map((r) => r.personId))];
}

function correctionQuery(db: Executor) {
  return db
    .selectFrom("stageCorrections as sc")
    .innerJoin("contributions as c", "c.id", "sc.contributionId")
    .select((eb) => [
      "sc.id",
      "sc.stages",
      "sc.reason",
      "sc.createdBy",
      "sc.createdAt",
      "sc.undoneAt",
      "sc.undoneBy",
      "c.id as contributionId",
      "c.sha",
      "c.prNumber",
      "c.title",
      eb
        .not(
          eb.exists(
            eb
              .selectFrom("stageCorrections as newer")
              .select("newer.id")
              .whereRef("newer.contributionId", "=", "sc.contributionId")
              .whereRef("newer.id", ">", "sc.id")
              .where("newer.undoneAt", "is", null),
          ),
        )
        .as("newest"),
    ]);
}

type CorrectionRow = Awaited<ReturnType<ReturnType<typeof correctionQuery>["executeTakeFirstOrThrow"]>>;

function toView(row: CorrectionRow): StageCorrectionView {
  return {
    id: row.id,
    contribution: { id: row.contributionId, sha: row.sha, pr: row.prNumber, title: row.title },
    stages: parseStrings(row.stages),
    reason: row.reason,
    by: row.createdBy,
    at: row.createdAt,
    undoneAt: row.undoneAt,
    undoneBy: row.undoneBy,
    standing: row.undoneAt === null && Boolean(row.newest),
  };
}

/** One correction, or null. */
export async function getStageCorrection(db: Executor, id: number): Promise<StageCorrectionView | null> {
  const row = await correctionQuery(db).where("sc.id", "=", id).executeTakeFirst();
  return row ? toView(row) : null;
}

/** Corrections newest first, optionally of one contribution. */
export async function listStageCorrections(
  db: Executor,
  { contributionId, limit = 200 }: { contributionId?: number; limit?: number } = {},
): Promise<StageCorrectionView[]> {
  let query = correctionQuery(db).orderBy("sc.id", "desc").limit(limit);
  if (contributionId !== undefined) query = query.where("sc.contributionId", "=", contributionId);
  return (await query.execute()).map(toView);
}

/**
 * Sets a contribution's stages by hand: stores the correction, rewrites the contribution's verdict and
 * stage activity (so the bus factor follows at once), and records an audit event with the verdict
 * before and after, all in one transaction. Null when there is no such contribution.
 */
export async function insertStageCorrection(
  db: Database,
  {
    config,
    contributionId,
    stageIds,
    reason,
    login,
    now,
  }: { config: CompiledConfig; contributionId: number; stageIds: string[]; reason: string; login: string; now: string },
): Promise<StageCorrectionView | null> {
  return db.transaction().execute(async (trx) => {
    const contribution = await getCorrectedContribution(trx, contributionId);
    if (!contribution) return null;
    const before = await getStoredVerdict(trx, contributionId);
    const { id } = await trx
      .insertInto("stageCorrections")
      .values({
        contributionId,
        stages: toJsonArray(config.stageIds.filter((s) => stageIds.includes(s))),
        reason,
        createdBy: login,
        createdAt: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await reclassifyContributions(trx, config, [contributionId]);
    const after = await getStoredVerdict(trx, contributionId);
    await insertAuditEvent(trx, {
      login,
      action: "correct contribution stages",
      subject: `stage-correction ${id}`,
      stageId: correctionAuditStage(before.stages, after.stages),
      before: { contribution, ...before },
      after: { contribution, correction: { id, stages: after.stages, reason }, ...after },
      occurredAt: now,
      personIds: await listCreditedPeople(trx, contributionId),
    });
    const stored = await getStageCorrection(trx, id);
    if (!stored) throw new Error(`stage correction ${id} vanished in its own transaction`);
    return stored;
  });
}

export type UndoResult =
  | { status: "undone"; correction: StageCorrectionView }
  | { status: "already-undone"; correction: StageCorrectionView }
  | { status: "not-found" };

/**
 * Undoes a correction: stamps who and when, lets the contribution's verdict be recomputed now (the
 * classifier's, or an older correction still standing), and records an audit event, in one transaction.
 */
export async function undoStageCorrection(
  db: Database,
  { config, id, login, now }: { config: CompiledConfig; id: number; login: string; now: string },
): Promise<UndoResult> {
  return db.transaction().execute(async (trx): Promise<UndoResult> => {
    const correction = await getStageCorrection(trx, id);
    if (!correction) return { status: "not-found" };
    if (correction.undoneAt !== null) return { status: "already-undone", correction };
    const contributionId = correction.contribution.id;
    const before = await getStoredVerdict(trx, contributionId);
    await trx.updateTable("stageCorrections").set({ undoneAt: now, undoneBy: login }).where("id", "=", id).execute();
    await reclassifyContributions(trx, config, [contributionId]);
    const after = await getStoredVerdict(trx, contributionId);
    await insertAuditEvent(trx, {
      login,
      action: "undo stage correction",
      subject: `stage-correction ${id}`,
      stageId: correctionAuditStage(before.stages, after.stages),
      before: { contribution: correction.contribution, ...before },
      after: { contribution: correction.contribution, ...after },
      occurredAt: now,
      personIds: await listCreditedPeople(trx, contributionId),
    });
    const undone = await getStageCorrection(trx, id);
    if (!undone) throw new Error(`stage correction ${id} vanished in its own transaction`);
    return { status: "undone", correction: undone };
  });
}
