// A learner reviewer: on an open pull request touching a stage with fewer than two maintainers, one
// person on the way is suggested as a second reviewer beside the maintainer, so that review knowledge
// spreads before the maintainer steps away. Pure: people in, suggestion out.

export interface ReviewPerson {
  id: number;
  login: string | null;
  name: string;
}

export interface ReviewStageInput {
  id: string;
  name: string;
  /** Active maintainers, most credit first. */
  maintainers: ReviewPerson[];
  /** Contributors closest to the rule first, with the credit they still need. */
  candidates: Array<{ person: ReviewPerson; needs: number }>;
  /** Mentees of the stage's active mentoring plans, with their mentor. */
  mentees: Array<{ person: ReviewPerson; mentor: ReviewPerson }>;
}

export interface LearnerSuggestion {
  stageId: string;
  stageName: string;
  /** The maintainers to ask for the review (the PR's own authors left out). */
  maintainers: ReviewPerson[];
  /** Null when nobody is on the way (or the only people on the way wrote the PR). */
  learner: (ReviewPerson & { why: string }) | null;
  /** In words: who to ask and why, or why no learner is suggested. */
  note: string;
}

/** Stages with fewer maintainers than this get a learner reviewer. */
export const LEARNER_BELOW_MAINTAINERS = 2;

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

const named = (p: ReviewPerson) => (p.login ? `@${p.login}` : p.name);

/**
 * For each stage the PR touches that has fewer than two active maintainers: its maintainers as reviewers,
 * and one learner: the mentee of an active mentoring plan of the stage first (a plan exists to spread
 * this knowledge), else the contributor closest to the maintainer rule. The PR's authors and the
 * maintainers are never the learner. Stages with two maintainers or more get no suggestion.
 */
export function suggestLearnerReviewers(
  stages: ReviewStageInput[],
  { authorIds }: { authorIds: number[] },
): LearnerSuggestion[] {
  const authors = new Set(authorIds);
  return stages
    .filter((stage) => stage.maintainers.length < LEARNER_BELOW_MAINTAINERS)
    .map((stage) => {
      const maintainerIds = new Set(stage.maintainers.map((m) => m.id));
      const eligible = (p: ReviewPerson) => !authors.has(p.id) && !maintainerIds.has(p.id);
      const mentee = stage.mentees.find((m) => eligible(m.person));
      const candidate = stage.candidates.find((c) => eligible(c.person));
      const learner = mentee
        ? { ...mentee.person, why: `mentee of ${named(mentee.mentor)} in an active ${stage.name} mentoring plan` }
        : candidate
          ? {
              ...candidate.person,
              why:
                candidate.needs > 0
                  ? `the closest to the ${stage.name} maintainer rule, needing ${candidate.needs} more credit`
                  : `meets the ${stage.name} maintainer rule's credit`,
            }
          : null;
      const maintainers = stage.maintainers.filter((m) => !authors.has(m.id));
      const count = plural(stage.maintainers.length, "active maintainer");
      const ask =
        maintainers.length > 0 ? `ask ${maintainers.map(named).join(", ")}` : "no other maintainer can review";
      const note = learner
        ? `${stage.name} has ${count}: ${ask}, and ${named(learner)} as a second reviewer (${learner.why}).`
        : `${stage.name} has ${count}: ${ask}; nobody is on the way yet to learn by reviewing.`;
      return { stageId: stage.id, stageName: stage.name, maintainers, learner, note };
    });
}
