import { sql, type Kysely } from "kysely";

// Identity resolution regroups stored identities into people whenever its rules or the configuration's
// `identities` entries change, so each identity keeps what it was seen with (the name, and the GitHub
// login an e-mail was linked to) and each contribution's person row keeps the identity that credited
// it: a person can then be split again, not only merged.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("identities").addColumn("name", "text").execute();
  await db.schema.alterTable("identities").addColumn("login", "text").execute();
  await db.schema
    .alterTable("contribution_people")
    .addColumn("identity_id", "integer", (c) => c.references("identities.id").onDelete("set null"))
    .execute();
  await db.schema.createIndex("contribution_people_identity").on("contribution_people").column("identity_id").execute();

  // Best effort for rows stored before: the person's name and login, and the person's first identity.
  await db
    .updateTable("identities")
    .set({
      name: sql`(select name from people where people.id = identities.person_id)`,
      login: sql`case when kind = 'login' then value else (select login from people where people.id = identities.person_id) end`,
    })
    .execute();
  await db
    .updateTable("contribution_people")
    .set({
      identity_id: sql`(select min(id) from identities where identities.person_id = contribution_people.person_id)`,
    })
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("contribution_people_identity").ifExists().execute();
  await db.schema.alterTable("contribution_people").dropColumn("identity_id").execute();
  await db.schema.alterTable("identities").dropColumn("login").execute();
  await db.schema.alterTable("identities").dropColumn("name").execute();
}
