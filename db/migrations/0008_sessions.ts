import type { Kysely } from "kysely";
import { generatedId } from "../portable";

// Sign-in and the first writes: sessions (only a hash of each session id is stored, so a copy of the
// database cannot be used to sign in), mentoring plans, and the audit trail every write leaves.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("login", "text", (c) => c.notNull())
    .addColumn("person_id", "integer", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("csrf_token", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .execute();

  await db.schema
    .createTable("mentoring_plans")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("stage_id", "text", (c) => c.notNull())
    .addColumn("mentor_person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("mentee_person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("aim", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("notes", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("mentoring_plans_stage").on("mentoring_plans").column("stage_id").execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("occurred_at", "text", (c) => c.notNull())
    .addColumn("login", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("stage_id", "text")
    .addColumn("before", "text")
    .addColumn("after", "text")
    .execute();
  await db.schema.createIndex("audit_events_time").on("audit_events").column("occurred_at").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_events").ifExists().execute();
  await db.schema.dropTable("mentoring_plans").ifExists().execute();
  await db.schema.dropTable("sessions").ifExists().execute();
}
