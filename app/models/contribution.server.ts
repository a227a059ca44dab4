import type { Executor } from "../../db/database";
import type {
  ContributionKind,
  ContributionRole,
  ContributionSource,
  FileStatus,
  PullRequestState,
} from "../../db/schema";
import { classifyContribution, type FileChange } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import type { PersonIdentity } from "../stewardship/identity";
import { reclassifyContributions, storeStageVerdicts } from "./classification.server";
import { chunk, groupByContribution, insertRows, toJsonArray } from "./columns.server";
import { linkGitHubAccount, type PeopleResolver } from "./person.server";

export interface NewContribution {
  kind: ContributionKind;
  source: ContributionSource;
  sha: string | null;
  prNumber: number | null;
  title: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  /** When its pull request was opened, where known (the demo says; git does not). */
  openedAt?: string | null;
  refs: number[];
  labels: string[];
  /** A pull request's GitHub state; commits have none. */
  prState?: PullRequestState | null;
  files: Array<FileChange & { previousPath?: string | null; status?: FileStatus | null }>;
  /**
   * Authors and co-authors count 1 unless `weight` says otherwise; reviewers carry their review's weight.
   * `occurredAt`: when this person's part happened, if not at the contribution's time (a review).
   */
  people: Array<{ identity: PersonIdentity; role: ContributionRole; weight?: number; occurredAt?: string | null }>;
}

/** The line and file totals stored on a contribution beside its files. */
export function fileTotals(files: NewContribution["files"]) {
  return {
    additions: files.reduce((sum, f) => sum + (f.added ?? 0), 0),
    deletions: files.reduce((sum, f) => sum + (f.deleted ?? 0), 0),
    fileCount: files.length,
  };
}

/**
 * Commits a push webhook stored first name their files without line counts, and the classifier weighs
 * stages by changed lines: when git brings the same commits, their files, totals and labels are redone
 * from git's numstat.
 */
async function completePushedCommits(trx: Executor, config: CompiledConfig, items: NewContribution[]): Promise<void> {
  const fromGit = new Map(items.filter((item) => item.source === "git").map((item) => [item.sha ?? "", item]));
  if (fromGit.size === 0) return;
  const pushed = new Map<number, NewContribution>();
  for (const part of chunk([...fromGit.keys()], 1)) {
    const rows = await trx
      .selectFrom("contributions")
      .where("sha", "in", part)
      .where("source", "=", "github")
      .select(["id", "sha"])
      .execute();
    for (const row of rows) {
      const item = fromGit.get(row.sha ?? "");
      if (item) pushed.set(row.id, item);
    }
  }
  for (const [id, item] of pushed) {
    await trx
      .updateTable("contributions")
      .set({ source: "git", ...fileTotals(item.files) })
      .where("id", "=", id)
      .execute();
    await replaceFiles(trx, id, item.files);
  }
  await reclassifyContributions(trx, config, [...pushed.keys()]);
}

/**
 * Stores a batch of contributions with their files, people, labels and stage activity, inside the
 * caller's transaction. Commits already stored (same sha) are skipped, so re-running an import adds
 * nothing. Returns how many were new.
 */
export async function insertContributions(
  trx: Executor,
  { config, people, items }: { config: CompiledConfig; people: PeopleResolver; items: NewContribution[] },
): Promise<number> {
  if (items.length === 0) return 0;
  const shas = items.map((i) => i.sha).filter((sha): sha is string => sha !== null);
  const known = new Set<string>();
  for (const part of chunk(shas, 1)) {
    const rows = await trx.selectFrom("contributions").select("sha").where("sha", "in", part).execute();
    for (const row of rows) if (row.sha) known.add(row.sha);
  }
  await completePushedCommits(
    trx,
    config,
    items.filter((item) => item.sha !== null && known.has(item.sha)),
  );
  const unknown = items.filter((item) => item.sha === null || !known.has(item.sha));
  // Squash commits of pull requests the GitHub sync stored first become those contributions.
  const prNumbers = unknown.flatMap((item) => (item.sha !== null && item.prNumber !== null ? [item.prNumber] : []));
  const pending = new Map<number, number>();
  for (const part of chunk(prNumbers, 1)) {
    const rows = await trx
      .selectFrom("contributions")
      .select(["id", "prNumber"])
      .where("prNumber", "in", part)
      .where("sha", "is", null)
      .execute();
    for (const row of rows) if (row.prNumber !== null) pending.set(row.prNumber, row.id);
  }
  const merged: number[] = [];
  const mergedItems = new Set<NewContribution>();
  for (const item of unknown) {
    const id = item.prNumber !== null ? pending.get(item.prNumber) : undefined;
    if (id === undefined || item.sha === null) continue;
    await mergeCommitIntoPullRequest(trx, { people, contributionId: id, commit: item });
    pending.delete(item.prNumber ?? -1); // a second commit with the same (#N) is a contribution of its own
    merged.push(id);
    mergedItems.add(item);
  }
  await reclassifyContributions(trx, config, merged);
  const fresh = unknown.filter((item) => !mergedItems.has(item));
  if (fresh.length === 0) return merged.length;

  const ids = await insertRows(
    trx,
    "contributions",
    contributionColumns,
    fresh.map((item) => ({
      kind: item.kind,
      source: item.source,
      sha: item.sha,
      prNumber: item.prNumber,
      title: item.title,
      occurredAt: item.occurredAt,
      openedAt: item.openedAt ?? null,
      // A commit is on the branch: it landed when it was made.
      mergedAt: item.sha !== null ? item.occurredAt : null,
      refs: toJsonArray(item.refs),
      labels: toJsonArray(item.labels),
      prState: item.prState ?? null,
      ...fileTotals(item.files),
    })),
    // RETURNING yields rows in insertion order for a single multi-row INSERT.
    { returning: "id" },
  );

  const fileRows = fresh.flatMap((item, i) => toFileRows(ids[i] ?? 0, item.files));
  await insertRows(trx, "contributionFiles", fileColumns, fileRows);

  // Every sighting of the batch at once: people seen before come from the resolver's cache, new ones are
  // stored with a few statements for the whole batch.
  const sightings = await people.resolveSightings(
    trx,
    fresh.flatMap((item) => item.people.map((entry) => entry.identity)),
  );
  const peopleRows: PersonRow[] = [];
  let sighting = 0;
  const timeById = new Map(fresh.map((item, i) => [ids[i] ?? 0, item.occurredAt]));
  for (const [i, item] of fresh.entries()) {
    const rows = new Map<string, PersonRow>();
    for (const { role, weight = 1, occurredAt = null } of item.people) {
      const resolved = sightings[sighting++];
      if (!resolved) throw new Error("a sighting went unresolved");
      addPersonRow(rows, { contributionId: ids[i] ?? 0, ...resolved, role, weight, occurredAt });
    }
    peopleRows.push(...rows.values());
  }
  // The import knows each contribution's time: giving it spares the trigger (migration 0019) a lookup per row.
  await insertRows(
    trx,
    "contributionPeople",
    [...personColumns, "contributionOccurredAt"],
    peopleRows.map((row) => ({ ...row, contributionOccurredAt: timeById.get(row.contributionId) })),
  );

  const peopleById = groupByContribution(peopleRows);
  const verdicts = fresh.map((item, i) => ({
    contributionId: ids[i] ?? 0,
    occurredAt: item.occurredAt,
    people: peopleById.get(ids[i] ?? 0) ?? [],
    classification: classifyContribution(config, item),
  }));
  await storeStageVerdicts(trx, config, verdicts);
  return fresh.length + merged.length;
}

interface PersonRow {
  contributionId: number;
  personId: number;
  role: ContributionRole;
  weight: number;
  occurredAt: string | null;
  identityId: number;
}

const contributionColumns = [
  "kind",
  "source",
  "sha",
  "prNumber",
  "title",
  "occurredAt",
  "openedAt",
  "mergedAt",
  "refs",
  "labels",
  "prState",
  "additions",
  "deletions",
  "fileCount",
] as const;
const fileColumns = ["contributionId", "path", "added", "deleted", "previousPath", "status"] as const;
const personColumns = ["contributionId", "personId", "role", "weight", "occurredAt", "identityId"] as const;

/** One row per (person, role), keeping the strongest weight. */
function addPersonRow(rows: Map<string, PersonRow>, row: PersonRow): void {
  const key = `${row.personId}:${row.role}`;
  const existing = rows.get(key);
  if (!existing || existing.weight < row.weight) rows.set(key, row);
}

/** Resolves a contribution's people to rows, one per (person, role), keeping the strongest weight. */
async function resolvePeople(
  trx: Executor,
  people: PeopleResolver,
  contributionId: number,
  entries: NewContribution["people"],
): Promise<PersonRow[]> {
  const rows = new Map<string, PersonRow>();
  for (const { identity, role, weight = 1, occurredAt = null } of entries) {
    const { personId, identityId } = await people.resolveSighting(trx, identity);
    addPersonRow(rows, { contributionId, personId, role, weight, occurredAt, identityId });
  }
  return [...rows.values()];
}

/**
 * The person credited as a contribution's author (its first, for git commits), if any, and the identity
 * they were credited under.
 */
export async function getAuthor(
  trx: Executor,
  contributionId: number,
): Promise<{ personId: number; identityId: number | null } | null> {
  const row = await trx
    .selectFrom("contributionPeople")
    .select(["personId", "identityId"])
    .where("contributionId", "=", contributionId)
    .where("role", "=", "author")
    .executeTakeFirst();
  return row ?? null;
}

/** A contribution's file rows, each path once (the first mention wins). */
function toFileRows(contributionId: number, files: NewContribution["files"]) {
  const seen = new Set<string>();
  const rows = [];
  for (const f of files) {
    if (seen.has(f.path)) continue;
    seen.add(f.path);
    rows.push({
      contributionId,
      path: f.path,
      added: f.added,
      deleted: f.deleted,
      previousPath: f.previousPath ?? null,
      status: f.status ?? null,
    });
  }
  return rows;
}

/** Replaces a stored contribution's files. */
export async function replaceFiles(
  trx: Executor,
  contributionId: number,
  files: NewContribution["files"],
): Promise<void> {
  await trx.deleteFrom("contributionFiles").where("contributionId", "=", contributionId).execute();
  const rows = toFileRows(contributionId, files);
  await insertRows(trx, "contributionFiles", fileColumns, rows);
}

/** Replaces a stored contribution's people in `roles` with `entries`; people in other roles stay. */
export async function replacePeople(
  trx: Executor,
  people: PeopleResolver,
  contributionId: number,
  entries: NewContribution["people"],
  roles: ContributionRole[],
): Promise<void> {
  await trx
    .deleteFrom("contributionPeople")
    .where("contributionId", "=", contributionId)
    .where("role", "in", roles)
    .execute();
  const rows = await resolvePeople(trx, people, contributionId, entries);
  await insertRows(trx, "contributionPeople", personColumns, rows);
}

/**
 * Git brought the squash commit of a pull request the GitHub sync stored first: make them one
 * contribution, with git's sha, time, files and authors, keeping the PR's labels and reviewers.
 * (The other direction, a PR arriving after its commit, is `upsertPullRequest` in pull-request.server.ts,
 * which builds on this module's file and people writers.)
 */
async function mergeCommitIntoPullRequest(
  trx: Executor,
  { people, contributionId, commit }: { people: PeopleResolver; contributionId: number; commit: NewContribution },
): Promise<void> {
  // A pushed commit (webhook) names files without line counts: the PR's counted files are better.
  const counted = commit.source === "git";
  await trx
    .updateTable("contributions")
    .set({
      kind: commit.kind,
      source: commit.source,
      sha: commit.sha,
      title: commit.title,
      occurredAt: commit.occurredAt,
      // The squash commit is the merge; the PR keeps its opening date.
      mergedAt: commit.occurredAt,
      refs: toJsonArray(commit.refs),
      prState: "merged",
      ...(counted ? fileTotals(commit.files) : {}),
    })
    .where("id", "=", contributionId)
    .execute();
  if (counted) await replaceFiles(trx, contributionId, commit.files);
  const account = await trx
    .selectFrom("contributionPeople as cp")
    .innerJoin("people as p", "p.id", "cp.personId")
    .select(["p.login", "p.isBot", "p.avatarUrl"])
    .where("cp.contributionId", "=", contributionId)
    .where("cp.role", "=", "author")
    .executeTakeFirst();
  await replacePeople(trx, people, contributionId, commit.people, ["author", "co-author"]);
  // git's author of the squash commit is the PR's author on GitHub: one person, linked by login.
  const gitAuthor = await getAuthor(trx, contributionId);
  if (account?.login && gitAuthor !== null) {
    await linkGitHubAccount(trx, {
      ...gitAuthor,
      login: account.login,
      isBot: account.isBot === 1,
      avatarUrl: account.avatarUrl,
      people,
    });
  }
}
