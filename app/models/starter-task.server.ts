import type { ExpressionBuilder } from "kysely";
import type { Database } from "../../db/database";
import type { ClaimKind, ContributionSource, DB, StarterTasksTable } from "../../db/schema";
import { parseStrings } from "./columns.server";
import type { Executor } from "../../db/database";
import type { taskStates } from "../stewardship/query-params";
import { CLAIM_DAYS, claimCutoff, claimLapsed, type StarterTask } from "../stewardship/starter-tasks";

export type TaskStateFilter = (typeof taskStates)[number];

/** A starter task as pages show it: claimed by a stored person, unless the claim has lapsed. */
export type StarterTaskView = Omit<
  StarterTask<{ id: number; login: string | null; name: string }>,
  "claimKind" | "claimedAt"
> & { id: number };

/**
 * Whether a task's claim stands on the day `cutoff` was computed for: someone holds it, and it is either
 * undated (an assignment or an open PR) or made by comment since the cutoff.
 */
function claimStands(eb: ExpressionBuilder<DB & { t: StarterTasksTable }, "t">, cutoff: string) {
  return eb.and([
    eb("t.claimedByPersonId", "is not", null),
    eb.or([eb("t.claimedAt", "is", null), eb("t.claimedAt", ">=", cutoff)]),
  ]);
}

type TaskFilter = { stageId?: string; state?: TaskStateFilter; now?: string };

/** The starter tasks of a stage ("none" for unplaced ones) in a state, as a query to select from. */
function filteredTasks(db: Database, { stageId, state = "all", now = new Date().toISOString() }: TaskFilter) {
  const cutoff = claimCutoff(now);
  let query = db.selectFrom("starterTasks as t");
  if (stageId === "none") query = query.where("t.stageId", "is", null);
  else if (stageId) query = query.where("t.stageId", "=", stageId);
  if (state === "done") query = query.where("t.state", "=", "done");
  if (state === "open" || state === "free" || state === "claimed") query = query.where("t.state", "=", "open");
  if (state === "free") query = query.where((eb) => eb.not(claimStands(eb, cutoff)));
  if (state === "claimed") query = query.where((eb) => claimStands(eb, cutoff));
  return query;
}

/** How many starter tasks `listStarterTasks` would list with the same filters and no limit. */
export async function countStarterTasks(db: Database, filter: TaskFilter): Promise<number> {
  const row = await filteredTasks(db, filter)
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Starter tasks, open ones first, filtered by stage ("none" for unplaced ones) and state, `limit` of
 * them from `offset`. A claim by comment older than CLAIM_DAYS on `now` has lapsed: the task shows as
 * free, and says whose claim lapsed.
 */
export async function listStarterTasks(
  db: Database,
  { limit, offset = 0, ...filter }: TaskFilter & { limit?: number; offset?: number },
): Promise<StarterTaskView[]> {
  const now = filter.now ?? new Date().toISOString();
  let query = filteredTasks(db, { ...filter, now })
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
  if (limit !== undefined) query = query.limit(limit).offset(offset);
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

/** How many of the tasks read from GitHub are free, claimed (a standing claim on `now`) and done. */
export async function countGitHubStarterTasks(
  db: Database,
  { now }: { now: string },
): Promise<{ open: number; claimed: number; done: number }> {
  const cutoff = claimCutoff(now);
  const row = await db
    .selectFrom("starterTasks as t")
    .where("t.source", "=", "github")
    .select((eb) => [
      eb.fn
        .countAll<number>()
        .filterWhere((f) => f.and([f("t.state", "=", "open"), f.not(claimStands(f, cutoff))]))
        .as("open"),
      eb.fn
        .countAll<number>()
        .filterWhere((f) => f.and([f("t.state", "=", "open"), claimStands(f, cutoff)]))
        .as("claimed"),
      eb.fn.countAll<number>().filterWhere("t.state", "=", "done").as("done"),
    ])
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), claimed: Number(row.claimed), done: Number(row.done) };
}

/**
 * Writes one task (`key` is unique across sources), its claimant already resolved to a stored person.
 * Idempotent: writing the same task again changes nothing.
 */
export async function upsertStarterTask(
  trx: Executor,
  {
    task,
    claimedByPersonId,
    source,
  }: { task: StarterTask<unknown>; claimedByPersonId: number | null; source: ContributionSource },
): Promise<void> {
  const row = {
    stageId: task.stageId,
    issueNumber: task.issueNumber,
    umbrellaNumber: task.umbrellaNumber,
    title: task.title,
    state: task.state,
    claimedByPersonId,
    claimKind: task.claimKind,
    claimEvidence: task.claimEvidence,
    claimedAt: task.claimedAt,
    labels: JSON.stringify(task.labels),
    source,
    updatedAt: task.updatedAt,
  };
  await trx
    .insertInto("starterTasks")
    .values({ key: task.key, ...row })
    .onConflict((oc) => oc.column("key").doUpdateSet(row))
    .execute();
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
    tasks: StarterTask[];
    refreshedUmbrellas: number[];
    refreshedLabels: string[];
    starterLabels: string[];
    resolve: (login: string) => Promise<number>;
  },
): Promise<void> {
  for (const task of tasks) {
    const claimedByPersonId = task.claimedBy ? await resolve(task.claimedBy) : null;
    await upsertStarterTask(trx, { task, claimedByPersonId, source: "github" });
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

/** Removes the task of a whole labelled issue read from GitHub, if there is one. */
export async function deleteGitHubLabelledTask(trx: Executor, { issueNumber }: { issueNumber: number }): Promise<void> {
  await trx.deleteFrom("starterTasks").where("key", "=", String(issueNumber)).where("source", "=", "github").execute();
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

/** A claim as stored: the claimant's login, how and when it was made, and its evidence. */
export interface StoredClaim {
  login: string | null;
  kind: ClaimKind | null;
  evidence: string | null;
  at: string | null;
}

/** The stored claims on the checklist items of an umbrella issue, by task key. */
export async function listUmbrellaClaims(
  db: Executor,
  { umbrellaNumber }: { umbrellaNumber: number },
): Promise<Map<string, StoredClaim>> {
  const rows = await storedClaims(db).where("t.umbrellaNumber", "=", umbrellaNumber).execute();
  return new Map(rows.map(({ key, ...claim }) => [key, claim]));
}

/** The stored claim on the task of a whole labelled issue read from GitHub, or null if it has no task. */
export async function getLabelledTaskClaim(
  db: Executor,
  { issueNumber }: { issueNumber: number },
): Promise<StoredClaim | null> {
  const row = await storedClaims(db)
    .where("t.key", "=", String(issueNumber))
    .where("t.source", "=", "github")
    .executeTakeFirst();
  if (!row) return null;
  const { key: _key, ...claim } = row;
  return claim;
}

function storedClaims(db: Executor) {
  return db
    .selectFrom("starterTasks as t")
    .leftJoin("people as p", "p.id", "t.claimedByPersonId")
    .select(["t.key", "p.login", "t.claimKind as kind", "t.claimEvidence as evidence", "t.claimedAt as at"]);
}
