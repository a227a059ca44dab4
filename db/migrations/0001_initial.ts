import type { Kysely } from "kysely";
import { generatedId, double, nowIsoText } from "../portable";

// Migrations are frozen history: typed Kysely<any> and independent of app code, so later schema
// changes never rewrite what an existing database already ran.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("people")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("login", "text", (c) => c.unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("is_bot", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("avatar_url", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(nowIsoText(db)))
    .execute();

  await db.schema
    .createTable("identities")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addUniqueConstraint("identities_kind_value", ["kind", "value"])
    .execute();
  await db.schema.createIndex("identities_person").on("identities").column("person_id").execute();

  await db.schema
    .createTable("contributions")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("sha", "text", (c) => c.unique())
    .addColumn("pr_number", "integer")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("occurred_at", "text", (c) => c.notNull())
    .addColumn("refs", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("labels", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("additions", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("deletions", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("file_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("contributions_occurred_at").on("contributions").column("occurred_at").execute();
  await db.schema.createIndex("contributions_pr_number").on("contributions").column("pr_number").execute();

  await db.schema
    .createTable("contribution_files")
    .addColumn("contribution_id", "integer", (c) => c.notNull().references("contributions.id").onDelete("cascade"))
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("added", "integer")
    .addColumn("deleted", "integer")
    .addColumn("previous_path", "text")
    .addPrimaryKeyConstraint("contribution_files_pk", ["contribution_id", "path"])
    .execute();
  await db.schema.createIndex("contribution_files_path").on("contribution_files").column("path").execute();

  await db.schema
    .createTable("contribution_people")
    .addColumn("contribution_id", "integer", (c) => c.notNull().references("contributions.id").onDelete("cascade"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("contribution_people_pk", ["contribution_id", "person_id", "role"])
    .execute();
  await db.schema.createIndex("contribution_people_person").on("contribution_people").column("person_id").execute();

  await db.schema
    .createTable("classifications")
    .addColumn("contribution_id", "integer", (c) => c.primaryKey().references("contributions.id").onDelete("cascade"))
    .addColumn("config_version", "text", (c) => c.notNull())
    .addColumn("evidence", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("classifications_version").on("classifications").column("config_version").execute();

  await db.schema
    .createTable("contribution_stages")
    .addColumn("contribution_id", "integer", (c) => c.notNull().references("contributions.id").onDelete("cascade"))
    .addColumn("stage_id", "text", (c) => c.notNull())
    .addColumn("score", double(db), (c) => c.notNull())
    .addPrimaryKeyConstraint("contribution_stages_pk", ["contribution_id", "stage_id"])
    .execute();
  await db.schema
    .createIndex("contribution_stages_stage")
    .on("contribution_stages")
    .columns(["stage_id", "contribution_id"])
    .execute();

  await db.schema
    .createTable("stage_activity")
    .addColumn("stage_id", "text", (c) => c.notNull())
    .addColumn("contribution_id", "integer", (c) => c.notNull().references("contributions.id").onDelete("cascade"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("occurred_at", "text", (c) => c.notNull())
    // Whole days since 1970-01-01 UTC: windows are whole days, and integers compare and travel
    // faster than timestamps when the trend counts 24 windows over every credit.
    .addColumn("day", "integer", (c) => c.notNull())
    .addColumn("weight", double(db), (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint("stage_activity_pk", ["stage_id", "contribution_id", "person_id"])
    .execute();
  // Covering index for the window scans: stage and time range first, then who and how much.
  await db.schema
    .createIndex("stage_activity_window")
    .on("stage_activity")
    .columns(["stage_id", "occurred_at", "person_id", "weight", "day"])
    .execute();
  await db.schema
    .createIndex("stage_activity_person")
    .on("stage_activity")
    .columns(["person_id", "stage_id", "occurred_at"])
    .execute();

  await db.schema
    .createTable("starter_tasks")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("stage_id", "text")
    .addColumn("issue_number", "integer", (c) => c.notNull())
    .addColumn("umbrella_number", "integer")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("claimed_by_person_id", "integer", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("claim_evidence", "text")
    .addColumn("labels", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("starter_tasks_stage").on("starter_tasks").columns(["stage_id", "state"]).execute();

  await db.schema
    .createTable("import_runs")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("added", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("message", "text")
    .execute();

  await db.schema
    .createTable("meta")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "meta",
    "import_runs",
    "starter_tasks",
    "stage_activity",
    "contribution_stages",
    "classifications",
    "contribution_people",
    "contribution_files",
    "contributions",
    "identities",
    "people",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
