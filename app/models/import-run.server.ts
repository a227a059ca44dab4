import type { Database, Executor } from "../../db/database";
import { isoSeconds } from "../stewardship/dates";

export interface ImportRunView {
  source: string;
  startedAt: string;
  finishedAt: string | null;
  status: "running" | "done" | "failed";
  added: number;
  message: string | null;
}

/** The latest finished (or failed) run of each source — git import, GitHub sync, demo — newest first. */
export async function listLatestRuns(db: Database): Promise<ImportRunView[]> {
  // Runs that finished in the same second (a sync's pull requests, then its starter tasks): the later first.
  return db
    .selectFrom("importRuns as r")
    .where("r.id", "in", (eb) =>
      eb
        .selectFrom("importRuns")
        .select((inner) => inner.fn.max("id").as("id"))
        .where("status", "!=", "running")
        .groupBy("source"),
    )
    .select(["r.source", "r.startedAt", "r.finishedAt", "r.status", "r.added", "r.message"])
    .orderBy("r.finishedAt", "desc")
    .orderBy("r.id", "desc")
    .execute();
}

const now = () => isoSeconds(new Date());

/**
 * Records the start of an import. A run of the same source still marked running was killed, so it
 * is closed as interrupted first (its committed batches are kept; this run continues from them).
 */
export async function startImportRun(db: Database, source: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable("importRuns")
      .set({ status: "failed", finishedAt: now(), message: "interrupted before it finished" })
      .where("source", "=", source)
      .where("status", "=", "running")
      .execute();
    const row = await trx
      .insertInto("importRuns")
      .values({ source, startedAt: now(), finishedAt: null, status: "running", added: 0, message: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(row.id);
  });
}

/** Records how many contributions a running import has committed, in the transaction of its batch. */
export async function recordImportRunAdded(trx: Executor, id: number, added: number): Promise<void> {
  await trx.updateTable("importRuns").set({ added }).where("id", "=", id).execute();
}

export async function finishImportRun(
  db: Database,
  id: number,
  { status, added, message }: { status: "done" | "failed"; added: number; message: string | null },
): Promise<void> {
  await db.updateTable("importRuns").set({ status, added, message, finishedAt: now() }).where("id", "=", id).execute();
}

/**
 * Records an import that ran to its end inside the transaction `trx` (the demo seed), so the run is
 * stored only if its writes are.
 */
export async function insertFinishedImportRun(
  trx: Executor,
  { source, startedAt, added }: { source: string; startedAt: string; added: number },
): Promise<void> {
  await trx
    .insertInto("importRuns")
    .values({ source, startedAt, finishedAt: isoSeconds(new Date()), status: "done", added, message: null })
    .execute();
}
