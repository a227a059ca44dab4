import type { Database } from "../../db/database";
import { parseStrings } from "./contribution.server";
import type { Executor } from "./person.server";
import { CLAIM_DAYS, claimLapsed } from "../stewardship/checklist";

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

/**
 * Starter tasks, open ones first, filtered by stage ("none" for unplaced ones) and state. A claim by
 * comment older than CLAIM_DAYS on `now` has lapsed: the task shows as free, and says whose claim lapsed.
 */
export async function listStarterTasks(
  db: Database,
  {
    stageId,
    state = "all",
    now = new Date().toISOString(),
  }: { stageId?: string; state?: TaskStateFilter; now?: string },
): Promise<StarterTaskView[]> {
  const cutoff = new Date(Date.parse(now) - CLAIM_DAYS * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
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
      "t.claimedAt",
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
  if (state === "free") {
    query = query.where((eb) => eb.or([eb("t.claimedByPersonId", "is", null), eb("t.claimedAt", "<", cutoff)]));
  }
  if (state === "claimed") {
    query = query
      .where("t.claimedByPersonId", "is not", null)
      .where((eb) => eb.or([eb("t.claimedAt", "is", null), eb("t.claimedAt", ">=", cutoff)]));
  }
  const rows = await query
    .orderBy((eb) => eb.case().when("t.state", "=", "open").then(0).else(1).end())
    .orderBy("t.issueNumber")
    .orderBy("t.key")
    .execute();
  return rows.map((row) => {
    const claimant =
      row.claimantId !== null
        ? { id: row.claimantId, login: row.claimantLogin, name: row.claimantName ?? "unknown" }
        : null;
    const lapsed = row.state === "open" && claimant !== null && claimLapsed(row.claimedAt, now);
    return {
      id: row.id,
      key: row.key,
      stageId: row.stageId,
      issueNumber: row.issueNumber,
      umbrellaNumber: row.umbrellaNumber,
      title: row.title,
      state: row.state,
      claimedBy: lapsed ? null : claimant,
      claimEvidence: lapsed
        ? `${claimant?.login ?? claimant?.name}'s claim of ${row.claimedAt?.slice(0, 10)} lapsed after ${CLAIM_DAYS} days`
        : row.claimEvidence,
      labels: parseStrings(row.labels),
      updatedAt: row.updatedAt,
    };
  });
}

export interface SyncedStarterTask {
  key: string;
  stageId: string | null;
  issueNumber: number;
  umbrellaNumber: number | null;
  title: string;
  state: "open" | "done";
  claimedBy: string | null;
  claimEvidence: string | null;
  /** When a claim by comment was made (it lapses); null otherwise. */
  claimedAt: string | null;
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
      claimedAt: task.claimedAt,
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
