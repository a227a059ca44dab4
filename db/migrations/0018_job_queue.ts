import type { Kysely } from "kysely";
import { generatedId } from "../portable";

// Jobs run on demand, on SQLite: a webhook's follow-up (fetching one pull request's files and reviews)
// is a row here, written in the transaction that records the delivery, so it exists exactly when the
// delivery was applied and survives the process dying before the job ran. The in-process timer
// scheduler drains it. (On PostgreSQL pg-boss holds these jobs in its own tables; this one stays empty.)
// - state: queued (waiting until run_after) or running (claimed by the scheduler, attempts counted).
// - One queued and one running row per (job, key) at most: a burst of deliveries for one pull request
//   collapses into the row already waiting, and one that comes while the job runs queues one more run.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("job_queue")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("job", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("queued_at", "text", (c) => c.notNull())
    .addColumn("run_after", "text", (c) => c.notNull())
    .addColumn("started_at", "text")
    .addColumn("instance", "text")
    .execute();
  await db.schema
    .createIndex("job_queue_job_key_state")
    .on("job_queue")
    .columns(["job", "key", "state"])
    .unique()
    .execute();
  await db.schema.createIndex("job_queue_due").on("job_queue").columns(["job", "state", "run_after"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("job_queue").ifExists().execute();
}
