import type { Kysely } from "kysely";
import { generatedId } from "../portable";

// Stages set by hand: a steward's correction of the classifier's label on one contribution, with the
// reason, who and when. Corrections are never deleted: an undo stamps undone_at/undone_by, so the trail
// of what was set and taken back stays readable. The newest correction not undone is the one that counts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("stage_corrections")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("contribution_id", "integer", (c) => c.notNull().references("contributions.id").onDelete("cascade"))
    .addColumn("stages", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("undone_at", "text")
    .addColumn("undone_by", "text")
    .execute();
  await db.schema
    .createIndex("stage_corrections_contribution")
    .on("stage_corrections")
    .columns(["contribution_id", "id"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("stage_corrections").ifExists().execute();
}
