import { describe, expect, it } from "vitest";
import { suggestLearnerReviewers, type ReviewStageInput } from "../../app/stewardship/learner-reviewer";

const brandt = { id: 1, login: "brandtbucher", name: "Brandt Bucher" };
const savannah = { id: 2, login: "savannahostrowski", name: "Savannah Ostrowski" };
const diego = { id: 3, login: "diegorusso", name: "Diego Russo" };
const ken = { id: 4, login: "Fidget-Spinner", name: "Ken Jin" };
const mark = { id: 5, login: "markshannon", name: "Mark Shannon" };

const backend: ReviewStageInput = {
  id: "backend",
  name: "Backend",
  maintainers: [brandt],
  candidates: [
    { person: diego, needs: 0.5 },
    { person: savannah, needs: 1 },
  ],
  mentees: [],
};

describe("suggestLearnerReviewers", () => {
  it("asks the single maintainer and the contributor closest to the rule", () => {
    expect(suggestLearnerReviewers([backend], { authorIds: [mark.id] })).toEqual([
      {
        stageId: "backend",
        stageName: "Backend",
        maintainers: [brandt],
        learner: { ...diego, why: "the closest to the Backend maintainer rule, needing 0.5 more credit" },
        note: "Backend has 1 active maintainer: ask @brandtbucher, and @diegorusso as a second reviewer (the closest to the Backend maintainer rule, needing 0.5 more credit).",
      },
    ]);
  });

  it("prefers the mentee of an active plan, and never suggests the PR's own author", () => {
    const withPlan = { ...backend, mentees: [{ person: savannah, mentor: brandt }] };
    expect(suggestLearnerReviewers([withPlan], { authorIds: [] })[0]?.learner).toEqual({
      ...savannah,
      why: "mentee of @brandtbucher in an active Backend mentoring plan",
    });
    // Savannah wrote the PR: the next person on the way learns instead.
    expect(suggestLearnerReviewers([withPlan], { authorIds: [savannah.id] })[0]?.learner?.id).toBe(diego.id);
  });

  it("says when the only maintainer wrote the PR and nobody is on the way", () => {
    const [suggestion] = suggestLearnerReviewers([{ ...backend, candidates: [] }], { authorIds: [brandt.id] });
    expect(suggestion).toMatchObject({ maintainers: [], learner: null });
    expect(suggestion?.note).toBe(
      "Backend has 1 active maintainer: no other maintainer can review; nobody is on the way yet to learn by reviewing.",
    );
  });

  it("leaves stages with two maintainers alone, and handles a stage with none", () => {
    const middleEnd: ReviewStageInput = {
      id: "middle-end",
      name: "Middle-end",
      maintainers: [mark, ken],
      candidates: [{ person: diego, needs: 1 }],
      mentees: [],
    };
    const frontend: ReviewStageInput = {
      id: "frontend",
      name: "Frontend",
      maintainers: [],
      candidates: [{ person: ken, needs: 2 }],
      mentees: [],
    };
    const suggestions = suggestLearnerReviewers([middleEnd, frontend], { authorIds: [] });
    expect(suggestions.map((s) => [s.stageId, s.learner?.id])).toEqual([["frontend", ken.id]]);
    expect(suggestions[0]?.note).toBe(
      "Frontend has 0 active maintainers: no other maintainer can review, and @Fidget-Spinner as a second reviewer (the closest to the Frontend maintainer rule, needing 2 more credit).",
    );
  });
});
