import type { Executor } from "./person.server";
import { isoSeconds } from "../stewardship/dates";

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
