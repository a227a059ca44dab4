import type { Database } from "../../db/database";

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
      "contributionStages",
      "classifications",
      "contributionFiles",
      "contributionPeople",
      "starterTasks",
      "contributions",
      "identities",
      "people",
      "importRuns",
      "meta",
    ] as const) {
      await trx.deleteFrom(table).execute();
    }
  });
}
