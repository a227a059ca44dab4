import type { Executor } from "../../db/database";

export interface StoredSession {
  login: string;
  personId: number | null;
  csrfToken: string;
}

export async function insertSession(
  db: Executor,
  session: StoredSession & { idHash: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db.insertInto("sessions").values(session).execute();
}

/** The session with this id hash if it is neither revoked nor expired at `now`, else null. */
export async function getLiveSession(
  db: Executor,
  { idHash, now }: { idHash: string; now: string },
): Promise<StoredSession | null> {
  const row = await db
    .selectFrom("sessions")
    .select(["login", "personId", "csrfToken"])
    .where("idHash", "=", idHash)
    .where("revokedAt", "is", null)
    .where("expiresAt", ">", now)
    .executeTakeFirst();
  return row ?? null;
}

export async function revokeSession(db: Executor, { idHash, now }: { idHash: string; now: string }): Promise<void> {
  await db.updateTable("sessions").set({ revokedAt: now }).where("idHash", "=", idHash).execute();
}
