import { sql } from "kysely";
import type { Executor } from "../../db/database";

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
 * SQLite's `data_version`: it changes whenever another connection, in this process or any other,
 * commits to the file. Asked on a connection that never writes, it changes on every committed write.
 */
export async function getDataVersion(db: Executor): Promise<number> {
  const { rows } = await sql<{ dataVersion: number }>`pragma data_version`.execute(db);
  return Number(rows[0]?.dataVersion);
}
