import type { Checked } from "./checked";
import { isValidDate } from "./metrics";

/** A stage's goal: `target` active maintainers by `dueOn`; no date while only the configuration sets it. */
export interface StageGoal {
  stageId: string;
  target: number;
  dueOn: string | null;
  /** Who set it and when; null for the configuration's goal. */
  updatedAt: string | null;
  updatedBy: string | null;
}

/**
 * Every configured stage's goal: the one a steward set, else the configuration's `goal` with no date.
 * Goals of stages no longer configured are left out.
 */
export function stageGoals(
  stages: ReadonlyArray<{ id: string; goal: number }>,
  stored: ReadonlyArray<{ stageId: string; target: number; dueOn: string; updatedAt: string; updatedBy: string }>,
): StageGoal[] {
  return stages.map((stage) => {
    const set = stored.find((g) => g.stageId === stage.id);
    return set ?? { stageId: stage.id, target: stage.goal, dueOn: null, updatedAt: null, updatedBy: null };
  });
}

export interface GoalProgress {
  /** "2 by 2027-03-01, 1 now" */
  text: string;
  met: boolean;
  /** The date has passed (before `asOf`) and the goal is not met. */
  overdue: boolean;
}

/**
 * Where a stage stands against its goal on `asOf`, the day its maintainers are counted: the goal is due
 * on its date, so it is overdue from the day after, while fewer than `target` maintainers count.
 */
export function goalProgress(goal: { target: number; dueOn: string | null }, maintainers: number, asOf: string) {
  const met = maintainers >= goal.target;
  const overdue = !met && goal.dueOn !== null && goal.dueOn < asOf;
  const when = goal.dueOn ? `by ${goal.dueOn}` : "wanted (no date set)";
  return { text: `${goal.target} ${when}, ${maintainers} now`, met, overdue } satisfies GoalProgress;
}

/** A goal as a steward sends it, before it is checked. */
export interface GoalInput {
  stage: string;
  target?: unknown;
  by?: unknown;
}

/**
 * The rules of a goal, the same for the planning page's form and `POST /api/goals`: a configured stage,
 * a whole number of at least 1 maintainers (at most 100), and a calendar date. Any date is taken, past
 * ones too (they are then overdue at once if the goal is not met).
 */
export function checkGoalInput(
  input: GoalInput,
  stageIds: readonly string[],
): Checked<{ stageId: string; target: number; dueOn: string }> {
  if (!stageIds.includes(input.stage))
    return {
      ok: false,
      field: "stage",
      message: `there is no stage "${input.stage}"; use one of: ${stageIds.join(", ")}`,
    };
  const target = typeof input.target === "string" && input.target.trim() !== "" ? Number(input.target) : input.target;
  if (typeof target !== "number" || !Number.isInteger(target))
    return { ok: false, field: "target", message: "must be a whole number of maintainers" };
  if (target < 1) return { ok: false, field: "target", message: "must be at least 1 maintainer" };
  if (target > 100) return { ok: false, field: "target", message: "must be at most 100 maintainers" };
  if (typeof input.by !== "string" || !isValidDate(input.by.trim()))
    return { ok: false, field: "by", message: "must be a calendar date, YYYY-MM-DD" };
  return { ok: true, value: { stageId: input.stage, target, dueOn: input.by.trim() } };
}
