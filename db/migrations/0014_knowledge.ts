import type { Kysely } from "kysely";

// Who knows each stage's code and who is asked to review it:
// - contribution_files.status: git's letter for the change (A added, M modified, D deleted, R renamed,
//   C copied), so the degree-of-authorship model knows who created a file and which files are gone.
//   Rows imported earlier stay null (nobody is known to have created those files).
// - contributions.pr_state: GitHub's state of a pull request (open, closed, merged), so an open PR can be
//   given a learner reviewer and only delivered work counts as knowing a file. Null for commits.
// - codeowners: the CODEOWNERS file each source last read (git import: the branch tip; sync: the API).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contribution_files").addColumn("status", "text").execute();
  await db.schema.alterTable("contributions").addColumn("pr_state", "text").execute();
  await db.schema.createIndex("contributions_pr_state").on("contributions").columns(["pr_state", "kind"]).execute();
  await db.schema
    .createTable("codeowners")
    .addColumn("source", "text", (c) => c.primaryKey())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("revision", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("read_at", "text", (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("codeowners").ifExists().execute();
  await db.schema.dropIndex("contributions_pr_state").ifExists().execute();
  await db.schema.alterTable("contributions").dropColumn("pr_state").execute();
  await db.schema.alterTable("contribution_files").dropColumn("status").execute();
}
