import { type Kysely } from "kysely";
import { double } from "../portable";

// Reviews from the GitHub sync: a person's weight on a contribution (an approval counts 1, a plain
// review comment 0.5), and the GitHub `updatedAt` of the pull request behind a contribution, so a
// resumed sync skips pull requests it already has.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("contribution_people")
    .addColumn("weight", double(db), (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable("contributions").addColumn("pr_updated_at", "text").execute();
  await db.schema.createIndex("contributions_pr_kind").on("contributions").columns(["pr_number", "kind"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("contributions_pr_kind").execute();
  await db.schema.alterTable("contributions").dropColumn("pr_updated_at").execute();
  await db.schema.alterTable("contribution_people").dropColumn("weight").execute();
}
