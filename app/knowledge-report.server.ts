import type { Database } from "../db/database";
import { getCachedBusFactorReport } from "./bus-factor-cache.server";
import { createDataVersionCache } from "./data-version-cache.server";
import type { BusFactorQuery } from "./models/bus-factor.server";
import {
  getLatestCodeowners,
  getStageKnowledge,
  listOpenPullRequests,
  type StageKnowledgeView,
} from "./models/knowledge.server";
import { listMentoringPlans } from "./models/mentoring-plan.server";
import type { StageReport } from "./stewardship/bus-factor";
import { capList } from "./stewardship/capped-list";
import { compareOwnership, parseCodeowners, type Codeowners } from "./stewardship/codeowners";
import type { CompiledConfig } from "./stewardship/config";
import { suggestLearnerReviewers, type LearnerSuggestion } from "./stewardship/learner-reviewer";
import { planStages } from "./stewardship/planning";

// Who knows each stage's code, who CODEOWNERS declares, and who should learn by reviewing: the
// knowledge section of the stage page, the planning page's open PRs and their JSON answers, composed
// from the bus-factor report, the models and the pure rules.

const person = ({ id, login, name }: { id: number; login: string | null; name: string }) => ({ id, login, name });

export interface KnowledgeCaps {
  knowers: number;
  knownFiles: number;
  ownershipFiles: number;
}

/** The CODEOWNERS file Steward last read, parsed, with where it came from. */
export async function getCodeowners(db: Database) {
  const stored = await getLatestCodeowners(db);
  if (!stored) return null;
  const parsed = parseCodeowners(stored.text);
  return {
    parsed,
    view: {
      path: stored.path,
      source: stored.source,
      revision: stored.revision,
      readAt: stored.readAt,
      problems: parsed.problems,
    },
  };
}

/** Knowledge kept: each stage at a few as-of days. */
const knowledgeCache = createDataVersionCache<StageKnowledgeView>({ capacity: 32 });

/**
 * A stage's knowledge, computed once per data version (see data-version-cache.server.ts): a stage's whole
 * file history is read, so repeated views of a page should not read it again.
 */
export function getCachedStageKnowledge(
  db: Database,
  query: { config: CompiledConfig; stageId: string; before: string },
): Promise<StageKnowledgeView> {
  return knowledgeCache.get([query.config.version, query.stageId, query.before], () => getStageKnowledge(db, query));
}

/**
 * One stage's knowledge truck factor (files known as of the report's day; the knowledge read by
 * getCachedStageKnowledge, which pages start beside the stage's bus-factor report) and, when a CODEOWNERS
 * was read, declared owners against its active maintainers; lists capped by `caps`.
 */
export function composeStageKnowledgeReport(
  knowledge: StageKnowledgeView,
  {
    config,
    stage,
    codeowners,
    caps,
  }: { config: CompiledConfig; stage: StageReport; codeowners: Codeowners | null; caps: KnowledgeCaps },
) {
  const globs = config.pathRules.filter((r) => r.stage === stage.id && !r.generated).map((r) => r.glob);
  // The files the history knows; before any history, the rules that name one file.
  const files = knowledge.files.length > 0 ? knowledge.files : globs.filter((g) => !/[*?]/.test(g));
  const maintainers = stage.activeMaintainers.map(person);
  const ownership = codeowners
    ? compareOwnership(codeowners, { files, globs, maintainers, knowers: knowledge.authors.map(person) })
    : null;
  const knowers = capList(knowledge.authors, caps.knowers);
  return {
    truckFactor: knowledge.truckFactor,
    fileCount: knowledge.fileCount,
    unauthoredFiles: knowledge.unauthoredFiles,
    orphanedWithoutKeyPeople: knowledge.orphanedWithoutKeyPeople,
    knowers: knowers.items.map((a, i) => {
      const known = capList(a.files, caps.knownFiles);
      return {
        ...person(a),
        keyPerson: i < knowledge.truckFactor,
        fileCount: a.files.length,
        files: known.items,
        moreFiles: known.more,
      };
    }),
    moreKnowers: knowers.more,
    ownership: ownership && {
      ...ownership,
      unownedFiles: capList(ownership.unownedFiles, caps.ownershipFiles),
    },
  };
}

export type StageKnowledgeReport = ReturnType<typeof composeStageKnowledgeReport>;

/**
 * Open pull requests (newest first, at most `limit`; one when `pr` is given, and of one stage when
 * `stageId` is) with a learner reviewer for each of their stages that has fewer than two maintainers
 * under `query`'s rule. PRs whose stages all have two maintainers or more are left out.
 */
export async function listLearnerReviewers(
  db: Database,
  {
    config,
    query,
    stageId,
    pr,
    limit,
  }: { config: CompiledConfig; query: BusFactorQuery; stageId?: string; pr?: number; limit: number },
): Promise<
  Array<{ number: number; title: string; authors: ReturnType<typeof person>[]; suggestions: LearnerSuggestion[] }>
> {
  const openPrs = await listOpenPullRequests(db, { stageId, pr, limit });
  if (openPrs.length === 0) return [];
  // One stage's suggestions need only its own report (the one its page already holds).
  const [report, plans] = await Promise.all([
    getCachedBusFactorReport({ config, ...query, stageId }),
    listMentoringPlans(db),
  ]);
  const stagePlans = planStages(
    report.stages.map((stage) => ({
      id: stage.id,
      name: stage.name,
      goal: stage.goal,
      maintainers: stage.activeMaintainers,
      others: stage.otherContributors,
    })),
    { minCredit: query.min },
  );
  const inputs = new Map(
    stagePlans.map((plan) => [
      plan.id,
      {
        id: plan.id,
        name: plan.name,
        maintainers: plan.maintainers.map((m) => person(m.person)),
        candidates: plan.candidates.map((c) => ({ person: person(c.person), needs: c.needs })),
        mentees: plans
          .filter((p) => p.stageId === plan.id && p.status === "active")
          .map((p) => ({ person: p.mentee, mentor: p.mentor })),
      },
    ]),
  );
  return openPrs.flatMap((open) => {
    const stages = open.stageIds.flatMap((id) => {
      const input = inputs.get(id);
      return input && (!stageId || id === stageId) ? [input] : [];
    });
    const suggestions = suggestLearnerReviewers(stages, { authorIds: open.authors.map((a) => a.id) });
    return pr !== undefined || suggestions.length > 0
      ? [{ number: open.number, title: open.title, authors: open.authors.map(person), suggestions }]
      : [];
  });
}
