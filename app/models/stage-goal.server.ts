import type { Database, Executor } from "../../db/database";
import type { Checked } from "../stewardship/checked";
import { checkGoalInput, stageGoals, type GoalInput, type StageGoal } from "../stewardship/goals";
import { insertAuditEvent } from "./audit.server";

/** Every configured stage's goal: the one a steward set, else the configuration's with no date. */
export async function listStageGoals(
  db: Executor,
  { stages }: { stages: ReadonlyArray<{ id: string; goal: number }> },
): Promise<StageGoal[]> {
  const stored = await db
    .selectFrom("stageGoals")
    .select(["stageId", "target", "dueOn", "updatedAt", "updatedBy"])
    .execute();
  return stageGoals(stages, stored);
}

/**
 * Sets a stage's goal, for the planning page's form and `POST /api/goals` alike: checked against the
 * goal rules (`checkGoalInput`), then written with its audit event (the goal before and after; the
 * configuration's before the first change) in one transaction. Nothing is written when a rule fails.
 */
export async function saveStageGoal(
  db: Database,
  {
    input,
    stages,
    login,
    now,
  }: { input: GoalInput; stages: ReadonlyArray<{ id: string; goal: number }>; login: string; now: string },
): Promise<Checked<StageGoal>> {
  const checked = checkGoalInput(
    input,
    stages.map((s) => s.id),
  );
  if (!checked.ok) return checked;
  const { stageId, target, dueOn } = checked.value;
  return db.transaction().execute(async (trx) => {
    const before = (await listStageGoals(trx, { stages })).find((g) => g.stageId === stageId) ?? null;
    const row = { target, dueOn, updatedAt: now, updatedBy: login };
    await trx
      .insertInto("stageGoals")
      .values({ stageId, ...row })
      .onConflict((oc) => oc.column("stageId").doUpdateSet(row))
      .execute();
    const after = { stageId, ...row };
    await insertAuditEvent(trx, {
      login,
      action: "set stage goal",
      subject: `stage-goal ${stageId}`,
      stageId,
      before,
      after,
      occurredAt: now,
    });
    return { ok: true, value: after };
  });
}
