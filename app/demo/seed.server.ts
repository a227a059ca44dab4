import type { Database } from "../../db/database";
import { insertContributions } from "../models/contribution.server";
import { hasContributions } from "../models/database-contents.server";
import { extendCoverage } from "../models/coverage.server";
import { insertFinishedImportRun } from "../models/import-run.server";
import { upsertCodeowners } from "../models/knowledge.server";
import { setMeta } from "../models/meta.server";
import { PeopleResolver } from "../models/person.server";
import { upsertStarterTask } from "../models/starter-task.server";
import type { CompiledConfig } from "../stewardship/config";
import { isoSeconds } from "../stewardship/dates";
import type { ClaimKind } from "../stewardship/starter-tasks";
import { generateDemo, type DemoStarterTask } from "./generate";

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
  const startedAt = isoSeconds(new Date());
  const people = await PeopleResolver.load(db, config);
  let added = 0;
  for (let i = 0; i < demo.contributions.length; i += BATCH) {
    const items = demo.contributions.slice(i, i + BATCH);
    added += await db.transaction().execute((trx) => insertContributions(trx, { config, people, items }));
  }
  await db.transaction().execute(async (trx) => {
    added += await insertContributions(trx, { config, people, items: demo.openPullRequests });
    await upsertCodeowners(trx, {
      source: "demo",
      path: ".github/CODEOWNERS",
      revision: "demo",
      text: demo.codeowners,
      readAt: `${anchorDate}T00:00:00Z`,
    });
    for (const demoTask of demo.starterTasks) {
      const task = { ...demoTask, claimedAt: demoTask.claimedAt ?? null, claimKind: demoClaimKind(demoTask) };
      const claimedByPersonId = task.claimedBy ? await people.resolve(trx, task.claimedBy) : null;
      await upsertStarterTask(trx, { task, claimedByPersonId, source: "demo" });
    }
    await insertFinishedImportRun(trx, { source: "demo data", startedAt, added });
    await setMeta(trx, "demo", "true");
    await setMeta(trx, "demo.anchor", anchorDate);
    // The demo is a whole (made-up) history: from its first contribution, which the model reads, to the anchor.
    await extendCoverage(trx, { source: "demo", from: null, to: anchorDate, fromStart: true });
  });
  return { contributions: added, starterTasks: demo.starterTasks.length };
}

/** The demo states no claim kinds: its dated claims are comments, its whole issues are assigned, the rest PRs. */
function demoClaimKind(task: DemoStarterTask): ClaimKind | null {
  if (!task.claimedBy) return null;
  if (task.claimedAt) return "comment";
  return task.umbrellaNumber === null ? "assignee" : "pull-request";
}

/** Seeds the demo only into a database with no contributions; says whether it did. */
export async function seedDemoIfEmpty(
  db: Database,
  options: { config: CompiledConfig; anchorDate: string },
): Promise<boolean> {
  if (await hasContributions(db)) return false;
  await seedDemo(db, options);
  return true;
}
