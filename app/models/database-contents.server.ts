import type { Database, Executor } from "../../db/database";
import { getMeta } from "./meta.server";

/** Whether any contribution is stored: an empty database gets the demo, a full one is not overwritten. */
export async function hasContributions(db: Database): Promise<boolean> {
  const row = await db.selectFrom("contributions").select("id").limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Removes everything imported or seeded, for `seed:demo --force`; migrations and nothing else stay. */
export async function deleteStoredData(db: Database): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of [
      "stageActivity",
      "stageCorrections",
      "contributionStages",
      "classifications",
      "contributionFiles",
      "contributionPeople",
      "starterTasks",
      "contributions",
      "identities",
      "people",
      "importRuns",
      "codeowners",
      "meta",
    ] as const) {
      await trx.deleteFrom(table).execute();
    }
  });
}

/**
 * Whether the demo data set is stored: its flag, or demo rows an interrupted seed left before writing
 * the flag. Real data must never be written beside it.
 */
export async function holdsDemoData(db: Executor): Promise<boolean> {
  if ((await getMeta(db, "demo")) === "true") return true;
  const row = await db
    .selectFrom("contributions")
    .select("id")
    .where("source", "=", "demo")
    .limit(1)
    .executeTakeFirst();
  if (row) return true;
  const task = await db
    .selectFrom("starterTasks")
    .select("id")
    .where("source", "=", "demo")
    .limit(1)
    .executeTakeFirst();
  return task !== undefined;
}
