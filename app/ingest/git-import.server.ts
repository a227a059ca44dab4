import fs from "node:fs";
import path from "node:path";
import type { Database } from "../../db/database";
import { insertContributions, type NewContribution } from "../models/contribution.server";
import { countCommitsPerStage } from "../models/contribution-list.server";
import { extendCoverage } from "../models/coverage.server";
import { finishImportRun, recordImportRunAdded, startImportRun } from "../models/import-run.server";
import { resolveStoredIdentities } from "../models/identity.server";
import { deleteCodeowners, upsertCodeowners } from "../models/knowledge.server";
import { getMeta, setMeta } from "../models/meta.server";
import { countPeople, PeopleResolver } from "../models/person.server";
import { parseCommitMessage, type CommitMessageFacts } from "../stewardship/commit-message";
import { codeownersLocations } from "../stewardship/codeowners";
import type { CompiledConfig } from "../stewardship/config";
import { isoSeconds } from "../stewardship/dates";
import { addDays, isValidDate } from "../stewardship/metrics";
import { keepDemoApart } from "./demo-apart.server";
import { git, GitError, gitInBackground, mapContacts, readFirstParentLog, type RawCommit } from "./git-log.server";

export interface GitImportProgress {
  read: number;
  total: number;
  added: number;
}

export interface GitImportSummary {
  repository: string;
  branch: string;
  read: number;
  added: number;
  skipped: number;
  people: number;
  /** People found to be another person's other identity, and merged into them. */
  merged: number;
  seconds: number;
  incremental: boolean;
  /** The database held the demo data set, deleted as `replaceDemo` asked. */
  replacedDemo: boolean;
  /** The commits read, per configured stage that labelled them, and those no stage labelled. */
  stages: Array<{ stageId: string; commits: number }>;
  noStage: number;
  /** The committer dates (ISO) of the oldest and newest commit read; null when none was. */
  commitDates: { from: string; to: string } | null;
  /** Where the tip's CODEOWNERS was found (`.github/CODEOWNERS`…); null when it has none. */
  codeowners: string | null;
}

/** A problem with what was asked (path, branch, date) or with the repository; the message says what to fix. */
export class GitImportError extends Error {
  override name = "GitImportError";
}

const DEFAULT_BATCH = 1000;

interface Target {
  gitDir: string;
  branch: string;
  tip: string;
}

/** Checks everything that can be checked before writing anything. */
function resolveTarget(repoPath: string, branch: string | undefined, defaultBranch: string, since?: string): Target {
  if (since !== undefined && !isValidDate(since)) {
    throw new GitImportError(`--since ${since} is not a date; write it as YYYY-MM-DD, e.g. --since 2024-01-01.`);
  }
  if (!fs.existsSync(repoPath)) throw new GitImportError(`${repoPath} does not exist. Give the path of a git clone.`);
  const gitDir = git(repoPath, ["rev-parse", "--absolute-git-dir"], { allowFailure: true });
  if (!gitDir.ok) {
    throw new GitImportError(
      `${repoPath} is not a git repository. Give the path of a clone (bare or with a work tree).`,
    );
  }
  const wanted = branch ?? defaultBranch;
  const tip = git(repoPath, ["rev-parse", "--verify", "--quiet", `${wanted}^{commit}`], { allowFailure: true });
  if (!tip.ok) {
    if (branch === undefined) {
      // The configured branch is missing here (a fork, a mirror): fall back to what HEAD points at.
      const head = git(repoPath, ["symbolic-ref", "--quiet", "--short", "HEAD"], { allowFailure: true });
      const headTip = git(repoPath, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { allowFailure: true });
      if (head.ok && headTip.ok)
        return { gitDir: gitDir.stdout.trim(), branch: head.stdout.trim(), tip: headTip.stdout.trim() };
    }
    const branches = git(repoPath, ["for-each-ref", "--format=%(refname:short)", "refs/heads"], { allowFailure: true })
      .stdout.split("\n")
      .filter(Boolean);
    throw new GitImportError(
      `${repoPath} has no branch "${wanted}". ${branches.length ? `Branches: ${branches.slice(0, 10).join(", ")}${branches.length > 10 ? ", …" : ""}.` : "It has no branches (an empty repository?)."} Choose one with --branch.`,
    );
  }
  return { gitDir: gitDir.stdout.trim(), branch: wanted, tip: tip.stdout.trim() };
}

/**
 * A shallow clone's boundary commit has no parents here, so git shows it adding the whole tree and the
 * import would credit its author with every file. It is refused unless this walk leaves the boundary out:
 * an incremental run, or --since a date after it.
 */
function refuseShallowBoundary(repo: string, { range, since }: { range: string; since?: string }): void {
  const shallow = git(repo, ["rev-parse", "--is-shallow-repository"], { allowFailure: true });
  if (!shallow.ok || shallow.stdout.trim() !== "true") return;
  const sinceArgs = since ? [`--since=${since}T00:00:00Z`] : [];
  // A walk git cannot make is reported by the count that follows, as for any damaged repository.
  const roots = git(repo, ["rev-list", "--first-parent", "--max-parents=0", ...sinceArgs, range], {
    allowFailure: true,
  });
  const boundary = roots.stdout.split("\n").find(Boolean);
  if (!boundary) return;
  const [sha = boundary, seconds = "0"] = git(repo, ["show", "-s", "--format=%h %ct", boundary])
    .stdout.trim()
    .split(" ");
  const day = new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
  throw new GitImportError(
    `${repo} is a shallow clone: its oldest commit would be credited with the whole tree. Fetch the full history ` +
      `with \`git fetch --unshallow\`, or import with --since a date after the shallow boundary (${sha}, committed ` +
      `${day}), e.g. --since ${addDays(day, 1)}.`,
  );
}

function toContribution(
  commit: RawCommit,
  facts: CommitMessageFacts,
  mailmap: Awaited<ReturnType<typeof mapContacts>>,
): NewContribution {
  return {
    kind: "commit",
    source: "git",
    sha: commit.sha,
    prNumber: facts.prNumber,
    title: facts.title,
    occurredAt: commit.committedAt,
    refs: facts.refs,
    labels: [],
    files: commit.files,
    people: [
      { identity: { name: commit.authorName, email: commit.authorEmail }, role: "author" },
      ...facts.coAuthors.map((identity) => {
        const mapped = identity.email ? mailmap.get(`${identity.name} <${identity.email}>`) : undefined;
        return { identity: mapped ?? identity, role: "co-author" as const };
      }),
    ],
  };
}

/**
 * The days a batch of commits covers. A first run reads from `--since`, or from the root commit (then
 * nothing happened before it); a run continuing after the cursor claims no start of its own, so the
 * first run's is kept.
 */
function batchCoverage(batch: RawCommit[], { since, incremental }: { since?: string; incremental: boolean }) {
  const days = batch.map((c) => c.committedAt.slice(0, 10)).sort();
  const first = days[0] ?? "";
  return {
    from: incremental ? null : (since ?? first),
    to: days.at(-1) ?? first,
    fromStart: !incremental && since === undefined,
  };
}

/**
 * Imports a branch's first-parent history from a local clone. Commits are written oldest first in
 * batches; each batch and the cursor (the last sha written) commit in one transaction, so a killed
 * import leaves only whole batches behind and the next run continues after the cursor. Commits
 * already stored are skipped, so overlapping runs add nothing twice.
 */
export async function importGitHistory({
  db,
  config,
  repoPath,
  branch,
  since,
  batchSize = DEFAULT_BATCH,
  replaceDemo = false,
  onProgress,
}: {
  db: Database;
  config: CompiledConfig;
  repoPath: string;
  branch?: string;
  since?: string;
  batchSize?: number;
  /** Delete the demo data set if the database holds it, rather than refuse (DemoDataError). */
  replaceDemo?: boolean;
  onProgress?: (progress: GitImportProgress) => void;
}): Promise<GitImportSummary> {
  const started = Date.now();
  const repo = path.resolve(repoPath);
  const target = resolveTarget(repo, branch, config.config.project.branch, since);
  const cursorKey = `git.cursor:${target.gitDir}#${target.branch}`;
  const cursor = await getMeta(db, cursorKey);
  const incremental =
    cursor !== null && git(repo, ["merge-base", "--is-ancestor", cursor, target.tip], { allowFailure: true }).ok;
  const range = incremental ? `${cursor}..${target.tip}` : target.tip;
  refuseShallowBoundary(repo, { range, since });
  // git prints the log while it also counts the commits (for the progress bar) in a second walk: the
  // count is known before anything is written, and a history git cannot walk is refused before that.
  const log = readFirstParentLog(repo, { range, since });
  const firstCommit = log.next();
  firstCommit.catch(() => undefined); // awaited in the loop below, or dropped with the log
  const countArgs = ["rev-list", "--count", "--first-parent", ...(since ? [`--since=${since}T00:00:00Z`] : []), range];
  let total: number;
  let replacedDemo: boolean;
  let runId: number;
  let peopleBefore: number;
  let people: PeopleResolver;
  const source = `git:${target.gitDir}#${target.branch}`;
  try {
    const count = await gitInBackground(repo, countArgs);
    if (!count.ok) {
      throw new GitImportError(
        `git cannot walk the history of ${target.branch} in ${repo}; the repository looks damaged (run git fsck).`,
      );
    }
    total = Number(count.stdout.trim());
    replacedDemo = await keepDemoApart(db, { replaceDemo, action: "import" });
    runId = await startImportRun(db, source);
    peopleBefore = await countPeople(db);
    people = await PeopleResolver.load(db, config);
  } catch (error) {
    await log.return(undefined).catch(() => undefined); // stops git
    throw error;
  }
  let read = 0;
  let added = 0;
  let batch: RawCommit[] = [];
  // The commits read, per stage they are labelled with (null: none), counted batch by batch.
  const perStage = new Map<string | null, number>();
  let commitDates: GitImportSummary["commitDates"] = null;

  /** What a batch's transaction writes, made while the batch before it is being written. */
  const prepare = async (commits: RawCommit[]): Promise<NewContribution[]> => {
    const facts = commits.map((c) => parseCommitMessage(c.message));
    const contacts = [
      ...new Set(facts.flatMap((f) => f.coAuthors.filter((a) => a.email).map((a) => `${a.name} <${a.email}>`))),
    ];
    const mailmap = await mapContacts(repo, contacts);
    return commits.map((commit, i) => toContribution(commit, facts[i] ?? parseCommitMessage(commit.message), mailmap));
  };

  const flush = async (commits: RawCommit[], items: NewContribution[]) => {
    if (commits.length === 0) return;
    const last = commits.at(-1)?.sha ?? target.tip;
    try {
      added += await db.transaction().execute(async (trx) => {
        const n = await insertContributions(trx, { config, people, items });
        const counts = await countCommitsPerStage(trx, { shas: commits.map((c) => c.sha) });
        for (const [stageId, commitCount] of counts) perStage.set(stageId, (perStage.get(stageId) ?? 0) + commitCount);
        await setMeta(trx, cursorKey, last);
        await extendCoverage(trx, { source, ...batchCoverage(commits, { since, incremental }) });
        await recordImportRunAdded(trx, runId, added + n); // a killed run then says what it kept
        return n;
      });
    } catch (error) {
      await people.reload(db); // ids cached for people created in the rolled-back transaction are gone
      throw error;
    }
    onProgress?.({ read, total, added });
  };

  // The batches commit one after another, oldest first, each with its cursor; meanwhile git goes on
  // printing and the next batches are read and prepared. Reading waits only when a batch is being
  // written and another is ready behind it, so memory stays flat.
  let writing: Promise<void> = Promise.resolve();
  const unwritten: Array<Promise<void>> = [];
  const write = async (commits: RawCommit[]) => {
    const items = await prepare(commits);
    writing = writing.then(() => flush(commits, items));
    writing.catch(() => undefined); // awaited below or at the end; not an unhandled rejection meanwhile
    unwritten.push(writing);
    if (unwritten.length > 2) await unwritten.shift();
  };
  try {
    for (let next = await firstCommit; !next.done; next = await log.next()) {
      const commit = next.value;
      batch.push(commit);
      read += 1;
      commitDates = spanning(commitDates, commit.committedAt);
      if (batch.length >= batchSize) {
        await write(batch);
        batch = [];
      }
    }
    await write(batch);
    await writing;
  } catch (error) {
    // Reported once the batches being written settle, so `added` counts what is stored.
    await writing.catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    const message =
      error instanceof GitError
        ? `git could not read the history of ${repo} (${reason}). The ${added} commits before the failure are stored and whole; repair the repository (git fsck) and run the import again to continue.`
        : reason;
    await finishImportRun(db, runId, { status: "failed", added, message });
    throw error instanceof GitError ? new GitImportError(message) : error;
  } finally {
    await log.return(undefined); // stops git if the loop ended early
  }
  const codeowners = await storeCodeowners(db, { repo, source, tip: target.tip });
  const identities = await resolveStoredIdentities(db, config);
  await finishImportRun(db, runId, { status: "done", added, message: null });
  return {
    repository: repo,
    branch: target.branch,
    read,
    added,
    skipped: read - added,
    people: (await countPeople(db)) - peopleBefore,
    merged: identities.merged,
    seconds: (Date.now() - started) / 1000,
    incremental,
    replacedDemo,
    stages: config.stageIds.map((stageId) => ({ stageId, commits: perStage.get(stageId) ?? 0 })),
    noStage: perStage.get(null) ?? 0,
    commitDates,
    codeowners,
  };
}

/**
 * Reads CODEOWNERS at the imported branch's tip, where GitHub looks for it, and stores it as this
 * source's; forgets the source's earlier one when the tip has none. Returns the path read, or null.
 */
async function storeCodeowners(
  db: Database,
  { repo, source, tip }: { repo: string; source: string; tip: string },
): Promise<string | null> {
  for (const location of codeownersLocations) {
    const file = git(repo, ["show", `${tip}:${location}`], { allowFailure: true });
    if (!file.ok) continue;
    await upsertCodeowners(db, {
      source,
      path: location,
      revision: tip,
      text: file.stdout,
      readAt: isoSeconds(Date.now()),
    });
    return location;
  }
  await deleteCodeowners(db, { source });
  return null;
}

/** Widens a date range to hold `date` (ISO UTC timestamps, which compare as text). */
function spanning(range: { from: string; to: string } | null, date: string): { from: string; to: string } {
  if (!range) return { from: date, to: date };
  return { from: date < range.from ? date : range.from, to: date > range.to ? date : range.to };
}
