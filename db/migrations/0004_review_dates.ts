import { type Kysely } from "kysely";

// When a person's part in a contribution happened, where that is not the contribution's own date: a
// review is maintainer activity on the day it was submitted, not on the day its PR was opened or merged.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contribution_people").addColumn("occurred_at", "text").execute();
  // Reviews stored before this have no date: make the next GitHub sync fetch every PR again (one full
  // sync, ~150 requests for CPython) by forgetting its cursor and the PRs' updatedAt.
  await db.updateTable("contributions").set({ pr_updated_at: null }).execute();
  await db.deleteFrom("meta").where("key", "like", "github.prs.cursor:%").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contribution_people").dropColumn("occurred_at").execute();
}
