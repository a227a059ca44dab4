import type { Database } from "../../db/database";

export interface ImportRunView {
  source: string;
  startedAt: string;
  finishedAt: string | null;
  status: "running" | "done" | "failed";
  added: number;
  message: string | null;
}

/** The most recent import or sync that finished (or failed), for "last updated" lines. */
export async function getLastImportRun(db: Database): Promise<ImportRunView | null> {
  const run = await db
    .selectFrom("importRuns")
    .select(["source", "startedAt", "finishedAt", "status", "added", "message"])
    .where("status", "!=", "running")
    .orderBy("finishedAt", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return run ?? null;
}
