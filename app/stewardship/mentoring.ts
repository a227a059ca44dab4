import type { MentoringPlanStatus } from "../../db/schema";
import { dayNumber } from "./metrics";

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
