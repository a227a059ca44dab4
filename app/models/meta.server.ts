import { sql } from "kysely";
import { dialectOf, type Executor } from "../../db/database";

/** A small stored fact (demo mode, the git cursor …), or null. */
export async function getMeta(db: Executor, key: string): Promise<string | null> {
  const row = await db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value ?? null;
}

export async function setMeta(db: Executor, key: string, value: string): Promise<void> {
  await db
    .insertInto("meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

/**
 * A number that changes whenever anything commits to the database, from this process or any other
 * instance: the report caches key their results by it.
 *
 * SQLite: `PRAGMA data_version`, which changes whenever another connection commits to the file (asked
 * on a connection that never writes, on every committed write). PostgreSQL: the `data_version` row
 * (migration 0015), bumped by a trigger in every writing transaction and seen when its writes are.
 */
export async function getDataVersion(db: Executor): Promise<number> {
  if (dialectOf(db) === "postgres") {
    const { rows } = await sql<{ version: number }>`select version from data_version where id = 1`.execute(db);
    return Number(rows[0]?.version);
  }
  const { rows } = await sql<{ dataVersion: number }>`pragma data_version`.execute(db);
  return Number(rows[0]?.dataVersion);
}
