import type { Database } from "../../db/database";
import { insertContributions } from "../models/contribution.server";
import { setMeta } from "../models/meta.server";
import { PeopleResolver } from "../models/person.server";
import type { CompiledConfig } from "../stewardship/config";
import { generateDemo } from "./generate";

const BATCH = 500;

/**
 * Writes the demo data set through the same path as a real import: batches of contributions in
 * transactions, then the starter tasks and the `demo` flag in one last transaction, so an
 * interrupted seed is never mistaken for a finished one.
 */
export async function seedDemo(
  db: Database,
  { config, anchorDate }: { config: CompiledConfig; anchorDate: string },
): Promise<{ contributions: number; starterTasks: number }> {
  const demo = generateDemo({ anchorDate });
  const startedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const people = await PeopleResolver.load(db, config);
  let added = 0;
  for (let i = 0; i < demo.contributions.length; i += BATCH) {
    const items = demo.contributions.slice(i, i + BATCH);
    added += await db.transaction().execute((trx) => insertContributions(trx, { config, people, items }));
  }
  await db.transaction().execute(async (trx) => {
    for (const task of demo.starterTasks) {
      const claimedByPersonId = task.claimedBy ? await people.resolve(trx, task.claimedBy) : null;
      const row = {
        stageId: task.stageId,
        issueNumber: task.issueNumber,
        umbrellaNumber: task.umbrellaNumber,
        title: task.title,
        state: task.state,
        claimedByPersonId,
        claimEvidence: task.claimEvidence,
        claimedAt: task.claimedAt ?? null,
        labels: JSON.stringify(task.labels),
        source: "demo" as const,
        updatedAt: task.updatedAt,
      };
      await trx
        .insertInto("starterTasks")
        .values({ key: task.key, ...row })
        .onConflict((oc) => oc.column("key").doUpdateSet(row))
        .execute();
    }
    await trx
      .insertInto("importRuns")
      .values({
        source: "demo data",
        startedAt,
        finishedAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        status: "done",
        added,
        message: null,
      })
      .execute();
    await setMeta(trx, "demo", "true");
    await setMeta(trx, "demo.anchor", anchorDate);
  });
  return { contributions: added, starterTasks: demo.starterTasks.length };
}

/** Seeds the demo only into a database with no contributions; says whether it did. */
export async function seedDemoIfEmpty(
  db: Database,
  options: { config: CompiledConfig; anchorDate: string },
): Promise<boolean> {
  const any = await db.selectFrom("contributions").select("id").limit(1).executeTakeFirst();
  if (any) return false;
  await seedDemo(db, options);
  return true;
}

/** Removes everything imported or seeded, for `seed:demo --force`; migrations and nothing else stay. */
export async function clearStoredData(db: Database): Promise<void> {
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
