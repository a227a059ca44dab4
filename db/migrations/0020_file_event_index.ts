import type { Kysely, SqlBool } from "kysely";
import { sql } from "kysely";

// The knowledge truck factor reads each stage's file events: the changes that add, copy, delete or
// rename a file. At 1M contributions a stage's files have tens of thousands of changes and a few hundred
// events, so reading them through the index on every change's path (0019) visited every change.
// This partial index holds the events alone. Its condition is written exactly as the query's (isEvent in
// app/models/knowledge.server.ts): both databases use a partial index only when they can see that the
// query's WHERE implies it, and SQLite sees that only for the same expression with the same literals.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("contribution_files_path_event")
    .on("contribution_files")
    .columns(["path", "contribution_id", "status", "previous_path"])
    .where(sql.raw<SqlBool>("(status in ('A', 'C', 'D') or (previous_path is not null and previous_path <> path))"))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("contribution_files_path_event").ifExists().execute();
}
