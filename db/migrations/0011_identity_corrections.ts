import { sql, type Kysely } from "kysely";
import { generatedId } from "../portable";

// A steward's correction of identity resolution, made on a person's page or through the API: two people
// are one (`merge`), or some of a person's identities are someone else (`split`). Resolution reads the
// live ones (undone_at null) beside the configuration's `identities` entries every time it runs, so a
// correction survives re-imports. `identities` and `split_off` are JSON arrays of keys (an e-mail
// address, `@login` or a name, as the configuration's entries are written) with the name or login to
// show for each: e-mail addresses stay in the database.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("identity_corrections")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('merge', 'split')`))
    .addColumn("identities", "text", (c) => c.notNull())
    .addColumn("split_off", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("undone_at", "text")
    .addColumn("undone_by", "text")
    .execute();
  await db.schema.createIndex("identity_corrections_live").on("identity_corrections").column("undone_at").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("identity_corrections").ifExists().execute();
}
