import type { Database } from "../../db/database";
import { parseStrings } from "./contribution.server";
import type { Executor } from "./person.server";

export type TaskStateFilter = "all" | "open" | "free" | "claimed" | "done";

export interface StarterTaskView {
  id: number;
  key: string;
  stageId: string | null;
  issueNumber: number;
  umbrellaNumber: number | null;
  title: string;
  state: "open" | "done";
  claimedBy: { id: number; login: string | null; name: string } | null;
  claimEvidence: string | null;
  labels: string[];
  updatedAt: string;
}

/** Starter tasks, open ones first, filtered by stage ("none" for unplaced ones) and state. */
export async function listStarterTasks(
  db: Database,
  { stageId, state = "all" }: { stageId?: string; state?: TaskStateFilter },
): Promise<StarterTaskView[]> {
  let query = db
    .selectFrom("starterTasks as t")
    .leftJoin("people as p", "p.id", "t.claimedByPersonId")
    .select([
      "t.id",
      "t.key",
      "t.stageId",
      "t.issueNumber",
      "t.umbrellaNumber",
      "t.title",
      "t.state",
      "t.claimEvidence",
      "t.labels",
      "t.updatedAt",
      "p.id as claimantId",
      "p.login as claimantLogin",
      "p.name as claimantName",
    ]);
  if (stageId === "none") query = query.where("t.stageId", "is", null);
  else if (stageId) query = query.where("t.stageId", "=", stageId);
  if (state === "done") query = query.where("t.state", "=", "done");
  if (state === "open" || state === "free" || state === "claimed") query = query.where("t.state", "=", "open");
  if (state === "free") query = query.where("t.claimedByPersonId", "is", null);
  if (state === "claimed") query = query.where("t.claimedByPersonId", "is not", null);
  const rows = await query
    .orderBy((eb) => eb.case().when("t.state", "=", "open").then(0).else(1).end())
    .orderBy("t.issueNumber")
    .orderBy("t.key")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    stageId: row.stageId,
    issueNumber: row.issueNumber,
    umbrellaNumber: row.umbrellaNumber,
    title: row.title,
    state: row.state,
    claimedBy:
      row.claimantId !== null
        ? { id: row.claimantId, login: row.claimantLogin, name: row.claimantName ?? "unknown" }
        : null,
    claimEvidence: row.claimEvidence,
    labels: parseStrings(row.labels),
    updatedAt: row.updatedAt,
  }));
}

/** A starter task as read from GitHub, its claimant named by login. */
export interface SyncedStarterTask {
  key: string;
  stageId: string | null;
  issueNumber: number;
  umbrellaNumber: number | null;
  title: string;
  state: "open" | "done";
  claimedBy: string | null;
  claimEvidence: string | null;
  labels: string[];
  updatedAt: string;
}

/**
 * Writes the tasks a sync read and removes the ones GitHub no longer has: checklist items gone from
 * a re-read umbrella, and labelled issues absent from every re-read label list that vouched for them
 * (closed, or unlabelled). Tasks of umbrellas and labels that were not re-read (304) stay as stored.
 */
export async function replaceGitHubStarterTasks(
  trx: Executor,
  {
    tasks,
    refreshedUmbrellas,
    refreshedLabels,
    starterLabels,
    resolve,
  }: {
    tasks: SyncedStarterTask[];
    refreshedUmbrellas: number[];
    refreshedLabels: string[];
    starterLabels: string[];
    resolve: (login: string) => Promise<number>;
  },
): Promise<void> {
  for (const task of tasks) {
    const row = {
      stageId: task.stageId,
      issueNumber: task.issueNumber,
      umbrellaNumber: task.umbrellaNumber,
      title: task.title,
      state: task.state,
      claimedByPersonId: task.claimedBy ? await resolve(task.claimedBy) : null,
      claimEvidence: task.claimEvidence,
      labels: JSON.stringify(task.labels),
      source: "github" as const,
      updatedAt: task.updatedAt,
    };
    await trx
      .insertInto("starterTasks")
      .values({ key: task.key, ...row })
      .onConflict((oc) => oc.column("key").doUpdateSet(row))
      .execute();
  }
  const keep = new Set(tasks.map((t) => t.key));
  const stored = await trx
    .selectFrom("starterTasks")
    .select(["id", "key", "umbrellaNumber", "labels"])
    .where("source", "=", "github")
    .execute();
  const refreshed = new Set(refreshedLabels);
  const stale = stored.filter((task) => {
    if (keep.has(task.key)) return false;
    if (task.umbrellaNumber !== null) return refreshedUmbrellas.includes(task.umbrellaNumber);
    const vouching = parseStrings(task.labels).filter((label) => starterLabels.includes(label));
    return vouching.every((label) => refreshed.has(label));
  });
  if (stale.length)
    await trx
      .deleteFrom("starterTasks")
      .where(
        "id",
        "in",
        stale.map((t) => t.id),
      )
      .execute();
}

/** The issue numbers of the stored starter tasks that are whole labelled issues (not checklist items). */
export async function listGitHubLabelledTaskNumbers(db: Executor): Promise<number[]> {
  const rows = await db
    .selectFrom("starterTasks")
    .select("issueNumber")
    .where("source", "=", "github")
    .where("umbrellaNumber", "is", null)
    .execute();
  return rows.map((row) => row.issueNumber);
}
