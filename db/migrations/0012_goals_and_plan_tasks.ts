import type { Kysely } from "kysely";

// Mentoring plans people act on, and dated stage goals.
// - mentoring_plan_tasks: the starter tasks a plan picked for its mentee, by task key (`134584#3`), not
//   by the task's row id: a sync deletes a task GitHub no longer lists and writes it again when it
//   returns, and the pick should survive that. Deleting a plan deletes its picks.
// - stage_goals: a stage's target of maintainers and the day it should be reached, one row per stage
//   (the configuration's goal until a steward sets one); every change is in the audit trail.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("mentoring_plan_tasks")
    .addColumn("plan_id", "integer", (c) => c.notNull().references("mentoring_plans.id").onDelete("cascade"))
    .addColumn("task_key", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("mentoring_plan_tasks_pk", ["plan_id", "task_key"])
    .execute();
  await db.schema.createIndex("mentoring_plan_tasks_task").on("mentoring_plan_tasks").column("task_key").execute();

  await db.schema
    .createTable("stage_goals")
    .addColumn("stage_id", "text", (c) => c.primaryKey())
    .addColumn("target", "integer", (c) => c.notNull())
    .addColumn("due_on", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("stage_goals").ifExists().execute();
  await db.schema.dropTable("mentoring_plan_tasks").ifExists().execute();
}
