import { type Kysely } from "kysely";

// When a claim by comment was made: such a claim lapses after 30 days without the claimant opening a PR,
// and a page read after that must show the task free even if no sync has touched it since.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("starter_tasks").addColumn("claimed_at", "text").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("starter_tasks").dropColumn("claimed_at").execute();
}
