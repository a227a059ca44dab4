import { sql } from "kysely";
import type { Database } from "../../db/database";
import type { ContributionKind, ContributionRole, ContributionSource } from "../../db/schema";
import { classifyContribution, type Classification, type Evidence, type FileChange } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import { dayNumber, type TimeWindow } from "../stewardship/metrics";
import { parseEvidence } from "./bus-factor.server";
import type { PersonIdentity } from "../stewardship/identity";
import { linkGitHubAccount, type Executor, type PeopleResolver } from "./person.server";

export interface NewContribution {
  kind: ContributionKind;
  source: ContributionSource;
  sha: string | null;
  prNumber: number | null;
  title: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  refs: number[];
  labels: string[];
  files: Array<FileChange & { previousPath?: string | null }>;
  /** Authors and co-authors count 1 unless `weight` says otherwise; reviewers carry their review's weight. */
  /** `occurredAt`: when this person's part happened, if not at the contribution's time (a review). */
  people: Array<{ identity: PersonIdentity; role: ContributionRole; weight?: number; occurredAt?: string | null }>;
}

// SQLite allows 32,766 bound parameters per statement; stay well under it.
const MAX_PARAMS = 30_000;

function chunk<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

function fileTotals(files: NewContribution["files"]) {
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
  await relabel(trx, config, [...pushed.keys()]);
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
  await relabel(trx, config, merged);
  const fresh = unknown.filter((item) => !mergedItems.has(item));
  if (fresh.length === 0) return merged.length;

  const ids: number[] = [];
  for (const part of chunk(fresh, 11)) {
    const rows = await trx
      .insertInto("contributions")
      .values(
        part.map((item) => ({
          kind: item.kind,
          source: item.source,
          sha: item.sha,
          prNumber: item.prNumber,
          title: item.title,
          occurredAt: item.occurredAt,
          refs: JSON.stringify(item.refs),
          labels: JSON.stringify(item.labels),
          ...fileTotals(item.files),
        })),
      )
      .returning("id")
      .execute();
    // RETURNING yields rows in insertion order for a single multi-row INSERT in SQLite.
    ids.push(...rows.map((r) => Number(r.id)));
  }

  const fileRows = fresh.flatMap((item, i) => {
    const seen = new Set<string>();
    return item.files
      .filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)))
      .map((f) => ({
        contributionId: ids[i] ?? 0,
        path: f.path,
        added: f.added,
        deleted: f.deleted,
        previousPath: f.previousPath ?? null,
      }));
  });
  for (const part of chunk(fileRows, 5)) await trx.insertInto("contributionFiles").values(part).execute();

  const peopleRows: PersonRow[] = [];
  for (const [i, item] of fresh.entries()) {
    peopleRows.push(...(await resolvePeople(trx, people, ids[i] ?? 0, item.people)));
  }
  for (const part of chunk(peopleRows, 4)) await trx.insertInto("contributionPeople").values(part).execute();

  const peopleById = groupByContribution(peopleRows);
  const verdicts = fresh.map((item, i) => ({
    contributionId: ids[i] ?? 0,
    occurredAt: item.occurredAt,
    people: peopleById.get(ids[i] ?? 0) ?? [],
    classification: classifyContribution(config, item),
  }));
  await storeClassifications(trx, config, verdicts);
  return fresh.length + merged.length;
}

interface PersonRow {
  contributionId: number;
  personId: number;
  role: ContributionRole;
  weight: number;
  occurredAt: string | null;
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
    const personId = await people.resolve(trx, identity);
    const key = `${personId}:${role}`;
    const existing = rows.get(key);
    if (!existing || existing.weight < weight) rows.set(key, { contributionId, personId, role, weight, occurredAt });
  }
  return [...rows.values()];
}

interface Verdict {
  contributionId: number;
  occurredAt: string;
  people: Array<{ personId: number; weight: number; occurredAt: string | null }>;
  classification: Classification;
}

async function storeClassifications(trx: Executor, config: CompiledConfig, verdicts: Verdict[]): Promise<void> {
  const classificationRows = verdicts.map((v) => ({
    contributionId: v.contributionId,
    configVersion: config.version,
    evidence: JSON.stringify(v.classification.evidence),
  }));
  for (const part of chunk(classificationRows, 3)) await trx.insertInto("classifications").values(part).execute();

  const stageRows = verdicts.flatMap((v) =>
    v.classification.stages.map((s) => ({ contributionId: v.contributionId, stageId: s.stageId, score: s.score })),
  );
  for (const part of chunk(stageRows, 3)) await trx.insertInto("contributionStages").values(part).execute();

  const activityRows = verdicts.flatMap((v) =>
    v.classification.stages.flatMap((s) => {
      // A person counts once per contribution, at their strongest part in it (author over reviewer), on
      // the day of that part: a review on the day it was submitted.
      const strongest = new Map<number, { weight: number; occurredAt: string }>();
      for (const p of v.people) {
        const known = strongest.get(p.personId);
        if (!known || p.weight > known.weight)
          strongest.set(p.personId, { weight: p.weight, occurredAt: p.occurredAt ?? v.occurredAt });
      }
      return [...strongest]
        .filter(([, part]) => part.weight > 0)
        .map(([personId, part]) => ({
          stageId: s.stageId,
          contributionId: v.contributionId,
          personId,
          occurredAt: part.occurredAt,
          day: dayNumber(part.occurredAt),
          weight: part.weight,
        }));
    }),
  );
  for (const part of chunk(activityRows, 6)) await trx.insertInto("stageActivity").values(part).execute();
}

/**
 * Relabels stored contributions whose labels were made by another configuration version, in pages,
 * each in its own transaction; an interrupted run resumes where it stopped. Returns how many changed.
 */
export async function reclassifyStale(
  db: Database,
  {
    config,
    pageSize = 2000,
    onProgress,
  }: { config: CompiledConfig; pageSize?: number; onProgress?: (done: number, total: number) => void },
): Promise<number> {
  const staleQuery = () =>
    db
      .selectFrom("contributions")
      .leftJoin("classifications", "classifications.contributionId", "contributions.id")
      .where((eb) =>
        eb.or([
          eb("classifications.configVersion", "is", null),
          eb("classifications.configVersion", "!=", config.version),
        ]),
      );
  const { total } = await staleQuery()
    .select((eb) => eb.fn.countAll<number>().as("total"))
    .executeTakeFirstOrThrow();
  let done = 0;
  while (done < Number(total)) {
    const page = await staleQuery().select("contributions.id").orderBy("contributions.id").limit(pageSize).execute();
    if (page.length === 0) break;
    await db.transaction().execute((trx) =>
      relabel(
        trx,
        config,
        page.map((c) => c.id),
      ),
    );
    done += page.length;
    onProgress?.(done, Number(total));
  }
  return done;
}

/** Classifies stored contributions afresh and rewrites their labels, evidence and stage activity. */
export async function relabel(trx: Executor, config: CompiledConfig, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const [contributions, files, people] = await Promise.all([
    trx
      .selectFrom("contributions")
      .select(["id", "title", "refs", "labels", "occurredAt"])
      .where("id", "in", ids)
      .execute(),
    trx
      .selectFrom("contributionFiles")
      .select(["contributionId", "path", "added", "deleted"])
      .where("contributionId", "in", ids)
      .execute(),
    trx
      .selectFrom("contributionPeople")
      .select(["contributionId", "personId", "weight", "occurredAt"])
      .where("contributionId", "in", ids)
      .execute(),
  ]);
  const filesById = groupByContribution(files);
  const peopleById = groupByContribution(people);
  await trx.deleteFrom("stageActivity").where("contributionId", "in", ids).execute();
  await trx.deleteFrom("contributionStages").where("contributionId", "in", ids).execute();
  await trx.deleteFrom("classifications").where("contributionId", "in", ids).execute();
  await storeClassifications(
    trx,
    config,
    contributions.map((c) => ({
      contributionId: c.id,
      occurredAt: c.occurredAt,
      people: peopleById.get(c.id) ?? [],
      classification: classifyContribution(config, {
        title: c.title,
        refs: parseNumbers(c.refs),
        labels: parseStrings(c.labels),
        files: filesById.get(c.id) ?? [],
      }),
    })),
  );
}

export function parseNumbers(json: string): number[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

export function parseStrings(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

// Map.groupBy arrives in Node 21; Steward runs on Node 20.
function groupByContribution<T extends { contributionId: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.contributionId);
    if (group) group.push(row);
    else groups.set(row.contributionId, [row]);
  }
  return groups;
}

export interface ContributionFilter {
  /** A stage id, or "none" for contributions that earned no stage. */
  stage?: string;
  personId?: number;
  from?: string;
  to?: string;
  sha?: string;
  pr?: number;
  limit?: number;
  offset?: number;
}

export interface ContributionView {
  id: number;
  kind: string;
  sha: string | null;
  pr: number | null;
  title: string;
  occurredAt: string;
  fileCount: number;
  authors: Array<{ id: number; login: string | null; name: string; role: ContributionRole }>;
  stages: Array<{ id: string; score: number }>;
  evidence: Evidence[];
}

/** Contributions newest first, with their people, stages and evidence; three queries per page. */
export async function listContributions(db: Database, filter: ContributionFilter): Promise<ContributionView[]> {
  let query = db
    .selectFrom("contributions as c")
    .leftJoin("classifications as cl", "cl.contributionId", "c.id")
    .select(["c.id", "c.kind", "c.sha", "c.prNumber", "c.title", "c.occurredAt", "c.fileCount", "cl.evidence"]);
  if (filter.sha) query = query.where("c.sha", "like", `${filter.sha.toLowerCase()}%`);
  if (filter.pr !== undefined) query = query.where("c.prNumber", "=", filter.pr);
  if (filter.from) query = query.where("c.occurredAt", ">=", filter.from);
  if (filter.to) query = query.where("c.occurredAt", "<", filter.to);
  if (filter.personId !== undefined) {
    const personId = filter.personId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("contributionPeople as cp")
          .select("cp.contributionId")
          .whereRef("cp.contributionId", "=", "c.id")
          .where("cp.personId", "=", personId),
      ),
    );
  }
  if (filter.stage === "none") {
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("contributionStages as cs").select("cs.contributionId").whereRef("cs.contributionId", "=", "c.id"),
        ),
      ),
    );
  } else if (filter.stage) {
    const stageId = filter.stage;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("contributionStages as cs")
          .select("cs.contributionId")
          .whereRef("cs.contributionId", "=", "c.id")
          .where("cs.stageId", "=", stageId),
      ),
    );
  }
  const rows = await query
    .orderBy("c.occurredAt", "desc")
    .orderBy("c.id", "desc")
    .limit(filter.limit ?? 50)
    .offset(filter.offset ?? 0)
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [people, stages] = await Promise.all([
    db
      .selectFrom("contributionPeople as cp")
      .innerJoin("people as p", "p.id", "cp.personId")
      .where("cp.contributionId", "in", ids)
      .select(["cp.contributionId", "p.id", "p.login", "p.name", "cp.role"])
      .orderBy("cp.role")
      .execute(),
    db
      .selectFrom("contributionStages")
      .where("contributionId", "in", ids)
      .select(["contributionId", "stageId", "score"])
      .orderBy("score", "desc")
      .execute(),
  ]);
  const peopleById = groupByContribution(people);
  const stagesById = groupByContribution(stages);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    sha: row.sha,
    pr: row.prNumber,
    title: row.title,
    occurredAt: row.occurredAt,
    fileCount: row.fileCount,
    authors: (peopleById.get(row.id) ?? []).map((p) => ({ id: p.id, login: p.login, name: p.name, role: p.role })),
    stages: (stagesById.get(row.id) ?? []).map((s) => ({ id: s.stageId, score: s.score })),
    evidence: parseEvidence(row.evidence),
  }));
}

export interface StageFile {
  path: string;
  contributions: number;
  lines: number;
}

/** The files most often changed by a stage's contributions in the window. */
export async function listBusiestStageFiles(
  db: Database,
  { stageId, window, limit = 10 }: { stageId: string; window: TimeWindow; limit?: number },
): Promise<StageFile[]> {
  const rows = await db
    .selectFrom("contributionStages as cs")
    .innerJoin("contributions as c", "c.id", "cs.contributionId")
    .innerJoin("contributionFiles as f", "f.contributionId", "c.id")
    .where("cs.stageId", "=", stageId)
    .where("c.occurredAt", ">=", window.from)
    .where("c.occurredAt", "<", window.to)
    .groupBy("f.path")
    .select((eb) => [
      "f.path",
      eb.fn.countAll<number>().as("contributions"),
      eb.fn
        .sum<number>(eb(eb.fn.coalesce("f.added", eb.lit(0)), "+", eb.fn.coalesce("f.deleted", eb.lit(0))))
        .as("lines"),
    ])
    .orderBy("contributions", "desc")
    .orderBy("lines", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ path: r.path, contributions: Number(r.contributions), lines: Number(r.lines) }));
}

/** A pull request as the GitHub sync reads it, with reviewers already weighed. */
export interface PullRequestFacts {
  number: number;
  /** What GitHub says of the author's account, to link it to git's identity of the same person. */
  account?: { login: string; isBot: boolean; avatarUrl: string | null } | null;
  title: string;
  createdAt: string;
  mergedAt: string | null;
  updatedAt: string;
  author: PersonIdentity | null;
  labels: string[];
  refs: number[];
  files: FileChange[];
  /** `occurredAt`: when they last reviewed it (null if GitHub did not say). */
  reviewers: Array<{ identity: PersonIdentity; weight: number; occurredAt: string | null }>;
}

/**
 * Stores a pull request's GitHub details. A merged PR whose squash commit git already brought is the
 * same contribution: it gains the PR's labels and reviewers and keeps git's files and authors. A PR
 * not (yet) in git is a contribution of its own, which the git import later merges into its commit.
 */
export async function upsertPullRequest(
  trx: Executor,
  { config, people, pr }: { config: CompiledConfig; people: PeopleResolver; pr: PullRequestFacts },
): Promise<"added" | "merged" | "updated"> {
  const existing = await trx
    .selectFrom("contributions")
    .select(["id", "sha"])
    .where("prNumber", "=", pr.number)
    .orderBy((eb) => eb.case().when("sha", "is", null).then(1).else(0).end())
    .limit(1)
    .executeTakeFirst();
  const reviewers = pr.reviewers.map((r) => ({
    identity: r.identity,
    role: "reviewer" as const,
    weight: r.weight,
    occurredAt: r.occurredAt,
  }));

  if (existing?.sha) {
    await trx
      .updateTable("contributions")
      .set({ labels: JSON.stringify(pr.labels), prUpdatedAt: pr.updatedAt })
      .where("id", "=", existing.id)
      .execute();
    // The squash commit's author is the PR's author: this links git's identity to the GitHub account.
    const gitAuthor = await getAuthorId(trx, existing.id);
    if (gitAuthor !== null && pr.account) await linkGitHubAccount(trx, { personId: gitAuthor, ...pr.account, people });
    await replacePeople(trx, people, existing.id, reviewers, ["reviewer"]);
    await relabel(trx, config, [existing.id]);
    return "merged";
  }

  const row = {
    title: pr.title,
    occurredAt: pr.mergedAt ?? pr.createdAt,
    refs: JSON.stringify(pr.refs),
    labels: JSON.stringify(pr.labels),
    ...fileTotals(pr.files),
    prUpdatedAt: pr.updatedAt,
  };
  let id = existing?.id;
  if (id === undefined) {
    const inserted = await trx
      .insertInto("contributions")
      .values({ kind: "pull_request", source: "github", sha: null, prNumber: pr.number, ...row })
      .returning("id")
      .executeTakeFirstOrThrow();
    id = Number(inserted.id);
  } else {
    await trx.updateTable("contributions").set(row).where("id", "=", id).execute();
  }
  await replaceFiles(trx, id, pr.files);
  const authors = pr.author ? [{ identity: pr.author, role: "author" as const }] : [];
  await replacePeople(trx, people, id, [...authors, ...reviewers], ["author", "co-author", "reviewer"]);
  if (pr.account) {
    const author = await getAuthorId(trx, id);
    if (author !== null) await linkGitHubAccount(trx, { personId: author, ...pr.account, people });
  }
  await relabel(trx, config, [id]);
  return existing ? "updated" : "added";
}

/** The person credited as a contribution's author (its first, for git commits), if any. */
async function getAuthorId(trx: Executor, contributionId: number): Promise<number | null> {
  const row = await trx
    .selectFrom("contributionPeople")
    .select("personId")
    .where("contributionId", "=", contributionId)
    .where("role", "=", "author")
    .executeTakeFirst();
  return row?.personId ?? null;
}

async function replaceFiles(trx: Executor, contributionId: number, files: NewContribution["files"]): Promise<void> {
  await trx.deleteFrom("contributionFiles").where("contributionId", "=", contributionId).execute();
  const seen = new Set<string>();
  const rows = files
    .filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)))
    .map((f) => ({
      contributionId,
      path: f.path,
      added: f.added,
      deleted: f.deleted,
      previousPath: f.previousPath ?? null,
    }));
  for (const part of chunk(rows, 5)) await trx.insertInto("contributionFiles").values(part).execute();
}

async function replacePeople(
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
  for (const part of chunk(rows, 4)) await trx.insertInto("contributionPeople").values(part).execute();
}

/**
 * Git brought the squash commit of a pull request the GitHub sync stored first: make them one
 * contribution, with git's sha, time, files and authors, keeping the PR's labels and reviewers.
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
      refs: JSON.stringify(commit.refs),
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
  const gitAuthor = await getAuthorId(trx, contributionId);
  if (account?.login && gitAuthor !== null) {
    await linkGitHubAccount(trx, {
      personId: gitAuthor,
      login: account.login,
      isBot: account.isBot === 1,
      avatarUrl: account.avatarUrl,
      people,
    });
  }
}

/**
 * What a `pull_request` webhook says of a PR: title, labels and author, but no files or reviews.
 * A stored PR is updated in place (its files and reviewers stay); an unknown one is stored bare.
 * Either way its updatedAt is cleared, so the next sync fetches it in full.
 */
export async function notePullRequest(
  trx: Executor,
  {
    config,
    people,
    pr,
  }: {
    config: CompiledConfig;
    people: PeopleResolver;
    pr: Omit<PullRequestFacts, "files" | "reviewers" | "updatedAt">;
  },
): Promise<void> {
  const existing = await trx
    .selectFrom("contributions")
    .select(["id", "sha"])
    .where("prNumber", "=", pr.number)
    .orderBy((eb) => eb.case().when("sha", "is", null).then(1).else(0).end())
    .limit(1)
    .executeTakeFirst();
  let id = existing?.id;
  if (id === undefined) {
    const inserted = await trx
      .insertInto("contributions")
      .values({
        kind: "pull_request",
        source: "github",
        sha: null,
        prNumber: pr.number,
        title: pr.title,
        occurredAt: pr.mergedAt ?? pr.createdAt,
        refs: JSON.stringify(pr.refs),
        labels: JSON.stringify(pr.labels),
        additions: 0,
        deletions: 0,
        fileCount: 0,
        prUpdatedAt: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    id = Number(inserted.id);
    if (pr.author) await replacePeople(trx, people, id, [{ identity: pr.author, role: "author" }], ["author"]);
  } else {
    const fromGit = existing?.sha != null;
    await trx
      .updateTable("contributions")
      .set({
        labels: JSON.stringify(pr.labels),
        prUpdatedAt: null,
        ...(fromGit ? {} : { title: pr.title, refs: JSON.stringify(pr.refs), occurredAt: pr.mergedAt ?? pr.createdAt }),
      })
      .where("id", "=", id)
      .execute();
  }
  await relabel(trx, config, [id]);
}

/** Adds (or strengthens) one reviewer of a stored PR, from a `pull_request_review` webhook. Returns false if the PR is unknown. */
export async function noteReview(
  trx: Executor,
  {
    config,
    people,
    prNumber,
    reviewer,
    weight,
    submittedAt,
  }: {
    config: CompiledConfig;
    people: PeopleResolver;
    prNumber: number;
    reviewer: PersonIdentity;
    weight: number;
    submittedAt: string | null;
  },
): Promise<boolean> {
  const contribution = await trx
    .selectFrom("contributions")
    .select("id")
    .where("prNumber", "=", prNumber)
    .orderBy((eb) => eb.case().when("sha", "is", null).then(1).else(0).end())
    .limit(1)
    .executeTakeFirst();
  if (!contribution || weight <= 0) return false;
  const personId = await people.resolve(trx, reviewer);
  await trx
    .insertInto("contributionPeople")
    .values({ contributionId: contribution.id, personId, role: "reviewer", weight, occurredAt: submittedAt })
    .onConflict((oc) =>
      oc.columns(["contributionId", "personId", "role"]).doUpdateSet((eb) => ({
        weight: eb.fn("max", [eb.ref("contributionPeople.weight"), eb.val(weight)]),
        // Their latest review is their latest activity on the PR.
        // (SQLite's two-argument max is null when either is: fall back to whichever is known.)
        occurredAt: sql<
          string | null
        >`coalesce(max(${eb.ref("contributionPeople.occurredAt")}, ${submittedAt}), ${eb.ref("contributionPeople.occurredAt")}, ${submittedAt})`,
      })),
    )
    .execute();
  await relabel(trx, config, [contribution.id]);
  return true;
}
