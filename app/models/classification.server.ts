import type { Database, Executor } from "../../db/database";
import { classifyContribution, type Classification } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import { applyCorrection, standingCorrection, type StageCorrection } from "../stewardship/corrections";
import { creditedParts, dayNumber, type ContributionPart } from "../stewardship/metrics";
import { chunk, groupByContribution, insertRows, parseNumbers, parseStrings } from "./columns.server";

/** The classifier's verdict on one stored contribution, with the people it credits. */
export interface StageVerdict {
  contributionId: number;
  occurredAt: string;
  people: ContributionPart[];
  classification: Classification;
}

/**
 * Each of these contributions' standing correction (the newest not undone), by contribution id; a
 * contribution nobody corrected has none.
 */
export async function listStandingCorrections(
  db: Executor,
  contributionIds: number[],
): Promise<Map<number, StageCorrection & { id: number; createdAt: string }>> {
  const standing = new Map<number, StageCorrection & { id: number; createdAt: string }>();
  for (const part of chunk([...new Set(contributionIds)], 1)) {
    const rows = await db
      .selectFrom("stageCorrections")
      .select(["id", "contributionId", "stages", "reason", "createdBy", "createdAt", "undoneAt"])
      .where("contributionId", "in", part)
      .where("undoneAt", "is", null)
      .execute();
    for (const [contributionId, corrections] of groupByContribution(rows)) {
      const c = standingCorrection(corrections);
      if (c) {
        standing.set(contributionId, {
          id: c.id,
          stageIds: parseStrings(c.stages),
          reason: c.reason,
          login: c.createdBy,
          createdAt: c.createdAt,
        });
      }
    }
  }
  return standing;
}

/**
 * Stores verdicts on contributions that have none: the evidence under this configuration version, the
 * stages the contribution earned, and each credited person's activity on those stages. A contribution a
 * steward corrected gets the correction's stages instead of the classifier's, whoever stores it (an
 * import, a sync, a webhook, a reclassification), so a correction survives them all.
 */
export async function storeStageVerdicts(
  trx: Executor,
  config: CompiledConfig,
  classified: StageVerdict[],
): Promise<void> {
  const corrections = await listStandingCorrections(
    trx,
    classified.map((v) => v.contributionId),
  );
  const verdicts =
    corrections.size === 0
      ? classified
      : classified.map((v) => {
          const correction = corrections.get(v.contributionId);
          return correction
            ? { ...v, classification: applyCorrection(v.classification, correction, config.stageIds) }
            : v;
        });
  const classificationRows = verdicts.map((v) => ({
    contributionId: v.contributionId,
    configVersion: config.version,
    evidence: JSON.stringify(v.classification.evidence),
  }));
  await insertRows(trx, "classifications", ["contributionId", "configVersion", "evidence"], classificationRows);

  const stageRows = verdicts.flatMap((v) =>
    v.classification.stages.map((s) => ({ contributionId: v.contributionId, stageId: s.stageId, score: s.score })),
  );
  await insertRows(trx, "contributionStages", ["contributionId", "stageId", "score"], stageRows);

  const activityRows = verdicts.flatMap((v) => {
    if (v.classification.stages.length === 0) return []; // most commits: no stage, so no activity
    const credited = creditedParts(v.people, v.occurredAt);
    return v.classification.stages.flatMap((s) =>
      credited.map((part) => ({
        stageId: s.stageId,
        contributionId: v.contributionId,
        personId: part.personId,
        occurredAt: part.occurredAt,
        day: dayNumber(part.occurredAt),
        weight: part.weight,
      })),
    );
  });
  await insertRows(
    trx,
    "stageActivity",
    ["stageId", "contributionId", "personId", "occurredAt", "day", "weight"],
    activityRows,
  );
}

/**
 * Reclassifies stored contributions whose verdicts were made under another configuration version, in
 * pages, each in its own transaction; an interrupted run resumes where it stopped. Returns how many changed.
 */
export async function reclassifyStale(
  db: Database,
  {
    config,
    pageSize = 2000,
    onProgress,
  }: { config: CompiledConfig; pageSize?: number; onProgress?: (done: number, total: number) => void },
): Promise<number> {
  const staleQuery = () =>
    db
      .selectFrom("contributions")
      .leftJoin("classifications", "classifications.contributionId", "contributions.id")
      .where((eb) =>
        eb.or([
          eb("classifications.configVersion", "is", null),
          eb("classifications.configVersion", "!=", config.version),
        ]),
      );
  const { total } = await staleQuery()
    .select((eb) => eb.fn.countAll<number>().as("total"))
    .executeTakeFirstOrThrow();
  let done = 0;
  while (done < Number(total)) {
    const page = await staleQuery().select("contributions.id").orderBy("contributions.id").limit(pageSize).execute();
    if (page.length === 0) break;
    await db.transaction().execute((trx) =>
      reclassifyContributions(
        trx,
        config,
        page.map((c) => c.id),
      ),
    );
    done += page.length;
    onProgress?.(done, Number(total));
  }
  return done;
}

/** Classifies stored contributions afresh and rewrites their evidence, stages and stage activity. */
export async function reclassifyContributions(trx: Executor, config: CompiledConfig, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const [contributions, files, people] = await Promise.all([
    trx
      .selectFrom("contributions")
      .select(["id", "title", "refs", "labels", "occurredAt"])
      .where("id", "in", ids)
      .execute(),
    trx
      .selectFrom("contributionFiles")
      .select(["contributionId", "path", "added", "deleted"])
      .where("contributionId", "in", ids)
      .execute(),
    trx
      .selectFrom("contributionPeople")
      .select(["contributionId", "personId", "weight", "occurredAt"])
      .where("contributionId", "in", ids)
      .execute(),
  ]);
  const filesById = groupByContribution(files);
  const peopleById = groupByContribution(people);
  await trx.deleteFrom("stageActivity").where("contributionId", "in", ids).execute();
  await trx.deleteFrom("contributionStages").where("contributionId", "in", ids).execute();
  await trx.deleteFrom("classifications").where("contributionId", "in", ids).execute();
  await storeStageVerdicts(
    trx,
    config,
    contributions.map((c) => ({
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
}
