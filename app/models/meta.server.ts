import type { Database } from "../../db/database";
import type { Executor } from "./person.server";

/** A small stored fact (demo mode, the git cursor …), or null. */
export async function getMeta(db: Executor | Database, key: string): Promise<string | null> {
  const row = await db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value ?? null;
}

export async function setMeta(db: Executor | Database, key: string, value: string): Promise<void> {
  await db
    .insertInto("meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}
