import type { Kysely } from "kysely";

// The dashboard's footer counts each view the follow-ups given up on in the last day. job_runs gains a
// row per attempt of every webhook follow-up (hundreds a day on a busy repository) and keeps them, so
// without this index that count would read every run of the job ever recorded.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("job_runs_given_up")
    .on("job_runs")
    .columns(["job", "dead_letter", "finished_at"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("job_runs_given_up").ifExists().execute();
}
