import { sql, type Kysely } from "kysely";

// When a pull request was opened and when a contribution landed on the branch: the onboarding funnel
// measures days to a PR's first review and to its merge, and a starter task is taken up only by a merged
// PR (an open PR stored by the sync or a webhook merely claims it). A commit on the imported branch
// landed when it was made. PRs stored before this have no opening date: make the next GitHub sync fetch
// them again (as 0004 did) by forgetting its cursor and the PRs' updatedAt.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contributions").addColumn("opened_at", "text").execute();
  await db.schema.alterTable("contributions").addColumn("merged_at", "text").execute();
  await db.schema.createIndex("contributions_opened_at").on("contributions").column("opened_at").execute();
  await db
    .updateTable("contributions")
    .set({ merged_at: sql`occurred_at` })
    .where("sha", "is not", null)
    .execute();
  // Squash commits joined to their synced PR too: every stored PR is fetched again.
  await db.updateTable("contributions").set({ pr_updated_at: null }).where("pr_updated_at", "is not", null).execute();
  await db.deleteFrom("meta").where("key", "like", "github.prs.cursor:%").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("contributions_opened_at").execute();
  await db.schema.alterTable("contributions").dropColumn("merged_at").execute();
  await db.schema.alterTable("contributions").dropColumn("opened_at").execute();
}
