import { z } from "zod";
import type { Classification, Evidence } from "./classify";

// A steward's correction of a contribution's stages stands in for the classifier's verdict wherever
// verdicts are stored, so it survives reclassification and re-imports; undoing it lets the classifier's
// verdict (recomputed then) count again.

/** The longest reason a correction may give: a sentence or two, shown beside the label. */
export const MAX_CORRECTION_REASON = 500;

/** What a standing correction says: the stages set (none for "no stage"), why, and by whom. */
export interface StageCorrection {
  stageIds: string[];
  reason: string;
  login: string;
}

/** The line the evidence and the pages show for a correction: `set by @login: reason`. */
export function correctionNote({ login, reason }: Pick<StageCorrection, "login" | "reason">): string {
  return `set by @${login}: ${reason}`;
}

/**
 * The verdict a correction makes of the classifier's: exactly the stages it sets (in the configuration's
 * order, each scored 1, since a person said so), and evidence saying who set them and why, one line per
 * stage so a stage page's "why" finds it (or one line of no stage). The classifier's evidence is dropped:
 * it argued for the label the steward overruled. Stages the configuration no longer has are ignored.
 */
export function applyCorrection(
  classification: Classification,
  correction: StageCorrection,
  configuredStageIds: readonly string[],
): Classification {
  const stageIds = configuredStageIds.filter((id) => correction.stageIds.includes(id));
  const detail = correctionNote(correction);
  const evidence: Evidence[] =
    stageIds.length > 0
      ? stageIds.map((stageId) => ({ rule: "correction", stageId, detail, weight: 1 }))
      : [{ rule: "correction", stageId: null, detail, weight: 0 }];
  return {
    stages: stageIds.map((stageId) => ({ stageId, score: 1 })),
    scores: classification.scores,
    evidence,
    jitRelated: classification.jitRelated || stageIds.length > 0,
  };
}

/** The correction that counts among a contribution's: the newest (highest id) not undone, or null. */
export function standingCorrection<T extends { id: number; undoneAt: string | null }>(corrections: T[]): T | null {
  let standing: T | null = null;
  for (const c of corrections) if (c.undoneAt === null && (standing === null || c.id > standing.id)) standing = c;
  return standing;
}

/** The stage an audit event of a correction is filed under: the first stage set, else the first taken away. */
export function correctionAuditStage(before: readonly string[], after: readonly string[]): string | null {
  return after[0] ?? before[0] ?? null;
}

/** How a person names a contribution: `#135001` (its pull request) or a commit sha of at least 7 hex digits. */
export type ContributionRef = { pr: number } | { sha: string };

/** Reads `#135001` or a sha (or its first 7+ digits); null when it is neither. */
export function parseContributionRef(text: string): ContributionRef | null {
  const value = text.trim();
  const pr = /^#(\d{1,9})$/.exec(value);
  if (pr?.[1]) return Number(pr[1]) > 0 ? { pr: Number(pr[1]) } : null;
  if (/^[0-9a-f]{7,40}$/i.test(value)) return { sha: value.toLowerCase() };
  return null;
}

const stageList = (stageIds: readonly string[]) => stageIds.join(", ");

/**
 * The checks a correction's stages and reason pass, from a page's form and the API alike: configured
 * stages only (none at all sets "no stage"), and a reason of 1 to 500 characters.
 */
export function correctionFields(stageIds: readonly string[]) {
  return {
    stages: z
      .array(
        z.string().refine((id) => stageIds.includes(id), {
          message: `must be a configured stage (${stageList(stageIds)}); no stage at all sets "no stage"`,
        }),
        { required_error: `list the stages (${stageList(stageIds)}), or none for "no stage"` },
      )
      .transform((ids) => stageIds.filter((id) => ids.includes(id))),
    reason: z
      .string({ required_error: "say why the stages are corrected" })
      .trim()
      .min(1, "say why the stages are corrected")
      .max(MAX_CORRECTION_REASON, `must be at most ${MAX_CORRECTION_REASON} characters`),
  };
}
