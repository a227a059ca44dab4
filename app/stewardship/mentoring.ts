import type { MentoringPlanStatus } from "../../db/schema";
import { z } from "zod";
import { dayNumber, qualifies, toDayWindow, trendPoints, windowEndingOn, type Credit } from "./metrics";

export const planStatuses = ["active", "paused", "done", "dropped"] as const satisfies readonly MentoringPlanStatus[];

/** A plan whose mentee has done nothing in its stage for this many days is flagged. */
export const IDLE_PLAN_DAYS = 60;

/**
 * Why an active plan needs a look, or null: its mentee has no credited work in the plan's stage for
 * IDLE_PLAN_DAYS (counted from the plan's start when they have none at all).
 */
export function idlePlanNote(
  { status, menteeLastActive, createdAt }: { status: string; menteeLastActive: string | null; createdAt: string },
  asOf: string,
): string | null {
  if (status !== "active") return null;
  const since = menteeLastActive ?? createdAt;
  const days = dayNumber(asOf) - dayNumber(since);
  if (days < IDLE_PLAN_DAYS) return null;
  return menteeLastActive
    ? `no work in the stage for ${days} days`
    : `no work in the stage since the plan began ${days} days ago`;
}

const loginField = z
  .string()
  .trim()
  .transform((v) => v.replace(/^@/, ""))
  .pipe(z.string().regex(/^[\w-]+$/, "must be a GitHub login"));

/**
 * A plan's fields and their shapes, the same for the planning page's forms and the JSON API; whether the
 * stage, the people and the tasks exist is checked where they are stored (`createMentoringPlan`).
 */
export const planFields = {
  stage: z.string().trim().min(1, "must name a stage"),
  mentor: loginField,
  mentee: loginField,
  aim: z.string().trim().min(1, "must say what the plan aims at").max(500, "must be at most 500 characters"),
  notes: z.string().trim().max(2000, "must be at most 2000 characters"),
  status: z.enum(planStatuses),
  tasks: z
    .array(z.string().trim().min(1, "must be a starter task key such as 134584#3"))
    .max(20, "may pick at most 20 starter tasks"),
};

/** How many months of a mentee's credit the planning page draws. */
export const CREDIT_TREND_MONTHS = 6;

/** A mentee's credit on the plan's stage in the window ending on a month's last day (or `asOf`). */
export interface CreditPoint {
  month: string;
  asOf: string;
  credit: number;
}

/**
 * The mentee's credit in the maintainer window, measured at the end of each of the last `months` months
 * (the last point is `asOf`): the trend the planning page draws against the rule's minimum. `credits`
 * must be sorted by day. One pass, like the bus-factor trend.
 */
export function creditTrend(
  credits: readonly Credit[],
  { asOf, windowDays, months = CREDIT_TREND_MONTHS }: { asOf: string; windowDays: number; months?: number },
): CreditPoint[] {
  let low = 0;
  let high = 0;
  let sum = 0;
  return trendPoints(asOf, months).map((point) => {
    const window = toDayWindow(windowEndingOn(point.asOf, windowDays));
    for (; high < credits.length && (credits[high]?.day ?? Infinity) < window.to; high++)
      sum += credits[high]?.weight ?? 0;
    for (; low < high && (credits[low]?.day ?? Infinity) < window.from; low++) sum -= credits[low]?.weight ?? 0;
    // Weights are halves: round away the float noise of adding and taking them away.
    return { month: point.month, asOf: point.asOf, credit: Math.round(sum * 100) / 100 };
  });
}

/** "1.5 of the 2 needed", or "2 of the 2 needed: counts as a maintainer". */
export function describeCredit(credit: number, minCredit: number): string {
  const shown = Number.isInteger(credit) ? String(credit) : credit.toFixed(1);
  const text = `${shown} of the ${minCredit} needed`;
  return qualifies(credit, minCredit) ? `${text}: counts as a maintainer` : text;
}

interface PlanPersonLike {
  id: number;
  login: string | null;
  name: string;
}

/** A plan as the JSON API answers it: the stage as `stage`, the people and the picked tasks by key. */
export function planRecord(plan: {
  id: number;
  stageId: string;
  mentor: PlanPersonLike;
  mentee: PlanPersonLike;
  aim: string;
  notes: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  menteeLastActive: string | null;
  tasks: Array<{ key: string; title: string | null; issueNumber: number | null; state: string | null }>;
}) {
  return {
    id: plan.id,
    stage: plan.stageId,
    mentor: plan.mentor,
    mentee: plan.mentee,
    aim: plan.aim,
    notes: plan.notes,
    status: plan.status,
    tasks: plan.tasks.map((t) => ({ key: t.key, title: t.title, issue: t.issueNumber, state: t.state })),
    menteeLastActive: plan.menteeLastActive,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
    updatedBy: plan.updatedBy,
  };
}
