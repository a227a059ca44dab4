import type { Kysely } from "kysely";
import { generatedId } from "../portable";

// Scheduled jobs (the GitHub sync every SYNC_EVERY), whichever scheduler runs them:
// - job_runs: one row per attempt, so the dashboard shows the last run's outcome and a run given up on
//   after its retries (dead_letter = 1). run_key ties a tick's attempts together (the timer's tick, or
//   pg-boss's job id), so an attempt left running by a process that died is closed by the next one.
//   outcome: running, ok, failed, skipped (the tick came while the previous run was still going).
// - job_schedules: each job's interval and next tick, written by the scheduler, read by the dashboard.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("job_runs")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("job", "text", (c) => c.notNull())
    .addColumn("run_key", "text", (c) => c.notNull())
    .addColumn("scheduled_for", "text", (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("dead_letter", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("instance", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("job_runs_job").on("job_runs").columns(["job", "id"]).execute();
  await db.schema.createIndex("job_runs_run_key").on("job_runs").columns(["run_key"]).execute();
  await db.schema
    .createTable("job_schedules")
    .addColumn("job", "text", (c) => c.primaryKey())
    .addColumn("scheduler", "text", (c) => c.notNull())
    .addColumn("every_ms", "integer", (c) => c.notNull())
    .addColumn("next_run_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("job_schedules").ifExists().execute();
  await db.schema.dropTable("job_runs").ifExists().execute();
}
