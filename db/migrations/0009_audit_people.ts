import { sql, type Kysely } from "kysely";

// The people a write is about (a plan's mentor and mentee, a corrected contribution's people, the people
// merged or split), so the audit trail can be read for one person. Earlier plan events get theirs from
// the plans they name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("audit_event_people")
    .addColumn("event_id", "integer", (c) => c.notNull().references("audit_events.id").onDelete("cascade"))
    .addColumn("person_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("audit_event_people_pk", ["event_id", "person_id"])
    .execute();
  await db.schema.createIndex("audit_event_people_person").on("audit_event_people").column("person_id").execute();
  await sql`
    INSERT INTO audit_event_people (event_id, person_id)
    SELECT e.id, m.mentor_person_id FROM audit_events e JOIN mentoring_plans m ON e.subject = 'mentoring-plan ' || m.id
    UNION
    SELECT e.id, m.mentee_person_id FROM audit_events e JOIN mentoring_plans m ON e.subject = 'mentoring-plan ' || m.id
  `.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_event_people").ifExists().execute();
}
