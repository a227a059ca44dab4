import type { Kysely } from "kysely";

// At 1M contributions (npm run bench -- scale): "did this person author anything before" (onboarding,
// a stage page's newcomers) walked each person's contribution_people rows through the table to read
// their role. Indexing (person, role, contribution) answers it from the index alone; it starts with
// person_id, so it replaces the index on person_id for every other lookup by person.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("contribution_people_person_role")
    .on("contribution_people")
    .columns(["person_id", "role", "contribution_id"])
    .execute();
  await db.schema.dropIndex("contribution_people_person").ifExists().execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("contribution_people_person").on("contribution_people").column("person_id").execute();
  await db.schema.dropIndex("contribution_people_person_role").ifExists().execute();
}
