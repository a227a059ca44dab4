import type { Database } from "../../db/database";
import {
  checkRepository,
  getIssue,
  getPullRequests,
  getCodeownersFile,
  GitHubError,
  listPullRequestsTouching,
  searchPullRequests,
  searchUpdatedSince,
  type GitHubPullRequest,
  listIssueComments,
  listOpenIssuesWithLabel,
  parseRepository,
  searchOpenPullRequests,
  type GitHubClient,
  type GitHubIssue,
  type GitHubPullRequestSummary,
  type RepoRef,
} from "../github.server";
import { resolveStoredIdentities } from "../models/identity.server";
import { finishImportRun, startImportRun } from "../models/import-run.server";
import { extendCoverage } from "../models/coverage.server";
import { deleteCodeowners, upsertCodeowners } from "../models/knowledge.server";
import { getMeta, setMeta } from "../models/meta.server";
import { PeopleResolver } from "../models/person.server";
import { listStoredPullRequestUpdates, upsertPullRequest, type PullRequestFacts } from "../models/pull-request.server";
import {
  countGitHubStarterTasks,
  listGitHubLabelledTaskNumbers,
  replaceGitHubStarterTasks,
} from "../models/starter-task.server";
import { parseChecklist } from "../stewardship/checklist";
import { stageDiscoveryPaths, type CompiledConfig } from "../stewardship/config";
import { isoSeconds } from "../stewardship/dates";
import { issueReferences, pullRequestReferences } from "../stewardship/references";
import { reviewerWeights } from "../stewardship/reviews";
import {
  checklistTask,
  claimCutoff,
  claimFields,
  findClaim,
  findIssueClaim,
  labelledTask,
  type Comment,
  type StarterTask,
} from "../stewardship/starter-tasks";
import { keepDemoApart } from "./demo-apart.server";

export interface GitHubSyncProgress {
  step: string;
  /** Items of the current step done so far and in all, when the step knows its size. */
  items?: { done: number; total: number };
  requests: number;
  rateLimitRemaining: number | null;
}

export interface GitHubSyncOptions {
  db: Database;
  config: CompiledConfig;
  github: GitHubClient;
  /** owner/repo; the configured project's repository by default. */
  repository?: string;
  /** The sync's time (ISO seconds): the cursor it leaves, and the day claims by comment are judged on. */
  now?: string;
  /** Delete the demo data set if the database holds it, rather than refuse (DemoDataError). */
  replaceDemo?: boolean;
  onProgress?: (progress: GitHubSyncProgress) => void;
}

/** What every sync reports at its end besides its own counts. */
interface SyncCost {
  repository: string;
  requests: number;
  rateLimitRemaining: number | null;
  seconds: number;
  /** The database held the demo data set, deleted as `replaceDemo` asked. */
  replacedDemo: boolean;
}

/**
 * The start both syncs share: the repository checked (a bad token or a wrong name stops here, before
 * anything is written), the demo data set kept apart, a progress reporter, and what the sync has cost so far.
 */
async function beginSync({
  db,
  config,
  github,
  repository = config.config.project.repository,
  replaceDemo,
  onProgress,
}: GitHubSyncOptions): Promise<{
  ref: RepoRef;
  source: string;
  report: (step: string, items?: GitHubSyncProgress["items"]) => void;
  cost: () => SyncCost;
}> {
  const started = Date.now();
  const ref = parseRepository(repository);
  const report = (step: string, items?: GitHubSyncProgress["items"]) =>
    onProgress?.({ step, items, requests: github.requests(), rateLimitRemaining: github.rateLimit().remaining });
  report("checking the repository");
  await checkRepository(github, ref);
  const replacedDemo = await keepDemoApart(db, { replaceDemo, action: "sync" });
  return {
    ref,
    source: `github:${ref.owner}/${ref.repo}`,
    report,
    cost: () => ({
      repository: `${ref.owner}/${ref.repo}`,
      requests: github.requests(),
      rateLimitRemaining: github.rateLimit().remaining,
      seconds: (Date.now() - started) / 1000,
      replacedDemo,
    }),
  };
}

/** How a failed sync's import run is closed: with what it stored before the failure and why it failed. */
function failedRun(added: number, error: unknown) {
  return { status: "failed" as const, added, message: error instanceof Error ? error.message : String(error) };
}

export interface StarterTaskSyncSummary extends SyncCost {
  /** False when GitHub reported nothing changed since the last sync. */
  changed: boolean;
  tasks: { open: number; claimed: number; done: number };
}

/**
 * Reads the configured repository's starter tasks from GitHub: each checklist item of the
 * starter-track umbrella issues (ticked = done; claimed by an open PR naming it or a recent claiming
 * comment), and open issues carrying a starter label (claimed when assigned), each placed in a stage
 * by the classifier. Conditional requests and an "updated since" search keep a re-sync with nothing
 * new to two requests. All writes happen in one transaction at the end.
 */
export async function syncStarterTasks(options: GitHubSyncOptions): Promise<StarterTaskSyncSummary> {
  const { db, config, github, now = isoSeconds(Date.now()) } = options;
  const { ref, source, report, cost } = await beginSync(options);
  const runId = await startImportRun(db, `${source} starter tasks`);
  const summary = async (changed: boolean): Promise<StarterTaskSyncSummary> => ({
    ...cost(),
    changed,
    tasks: await countGitHubStarterTasks(db, { now }),
  });
  try {
    const cursorKey = `github.tasks.cursor:${source}`;
    const cursor = await getMeta(db, cursorKey);
    const changedNumbers = cursor ? await changedSince(github, ref, cursor) : null;
    if (changedNumbers && changedNumbers.size === 0) {
      report("nothing changed");
      await db.transaction().execute((trx) => setMeta(trx, cursorKey, now));
      await finishImportRun(db, runId, { status: "done", added: 0, message: "starter tasks: nothing changed" });
      return await summary(false);
    }

    // Claims by comment older than this have lapsed: older comments need not be read.
    const since = claimCutoff(now);
    const umbrellas = config.config.umbrellaIssues.filter((u) => u.starterTrack);
    let openPullRequests: GitHubPullRequestSummary[] | undefined;
    const fresh: StarterTask[] = [];
    const refreshedUmbrellas: number[] = [];
    const etags = new Map<string, string>();

    for (const umbrella of umbrellas) {
      report(`reading gh-${umbrella.number}`);
      const etagKey = `github.etag:${source}:issue:${umbrella.number}`;
      const issue = await getIssue(github, ref, { number: umbrella.number, etag: await getMeta(db, etagKey) }).catch(
        (error: unknown) => {
          if (error instanceof GitHubError && error.status === 404) {
            throw new GitHubError(
              `${error.message} It is listed in umbrellaIssues of the Steward configuration: fix or remove it.`,
              404,
            );
          }
          throw error;
        },
      );
      const mentioned = changedNumbers === null || changedNumbers.has(umbrella.number);
      if (!issue.modified && !mentioned) continue; // unchanged: its stored tasks stand
      const data = issue.modified ? issue.data : await refetch(github, ref, umbrella.number);
      if (issue.modified && issue.etag) etags.set(etagKey, issue.etag);
      openPullRequests ??= await searchOpenPullRequests(
        github,
        ref,
        umbrellas.map((u) => `gh-${u.number}`).join(" OR "),
      );
      const comments = await readComments(github, ref, { number: umbrella.number, since });
      refreshedUmbrellas.push(umbrella.number);
      for (const item of parseChecklist(data.body)) {
        const claim = findClaim({ item, comments, openPullRequests, now });
        fresh.push(
          checklistTask({ umbrella: umbrella.number, stageId: umbrella.stage, item, claim, labels: data.labels, now }),
        );
      }
    }

    const labelLists = new Map<string, GitHubIssue[]>();
    for (const label of config.config.starterLabels) {
      report(`listing issues labelled ${label}`);
      const etagKey = `github.etag:${source}:label:${label}`;
      const list = await listOpenIssuesWithLabel(github, ref, { label, etag: await getMeta(db, etagKey) });
      if (!list.modified) continue;
      if (list.etag) etags.set(etagKey, list.etag);
      labelLists.set(label, list.data);
    }
    // Issues whose claims may have changed (a PR or comment names them) though their list did not.
    const candidates = new Map<number, GitHubIssue>();
    for (const issue of [...labelLists.values()].flat()) candidates.set(issue.number, issue);
    if (changedNumbers) {
      const stored = await listGitHubLabelledTaskNumbers(db);
      for (const number of stored.filter((n) => changedNumbers.has(n) && !candidates.has(n))) {
        report(`re-reading #${number}`);
        const issue = await refetch(github, ref, number);
        // Closed or unlabelled, it also left its label's list, which was re-read above.
        if (issue.state === "open" && issue.labels.some((l) => config.config.starterLabels.includes(l))) {
          candidates.set(number, issue);
        }
      }
    }
    const labelled = [...candidates.values()]
      .map((issue) => ({ issue, task: labelledTask(config, issue, now) }))
      .filter((c): c is { issue: GitHubIssue; task: StarterTask } => c.task !== null);
    // An assignee claims a task outright; the others may be claimed by an open PR or a recent comment.
    const unclaimed = labelled.filter((c) => c.task.claimedBy === null);
    if (unclaimed.length > 0) report("looking for claims on labelled issues");
    const openPulls =
      unclaimed.length > 0
        ? await searchOpenPullRequestsNaming(
            github,
            ref,
            unclaimed.map((c) => c.issue.number),
          )
        : [];
    for (const { issue, task } of labelled) {
      if (task.claimedBy !== null) {
        fresh.push(task);
        continue;
      }
      // A claiming comment is recent, so it left the issue updated recently.
      const comments =
        issue.comments > 0 && issue.updatedAt >= since
          ? await readComments(github, ref, { number: issue.number, since })
          : [];
      const claim = findIssueClaim({ issue, comments, openPullRequests: openPulls, now });
      fresh.push({ ...task, ...claimFields(claim, issue) });
    }

    report("saving");
    const people = await PeopleResolver.load(db, config);
    await db.transaction().execute(async (trx) => {
      await replaceGitHubStarterTasks(trx, {
        tasks: fresh,
        refreshedUmbrellas,
        refreshedLabels: [...labelLists.keys()],
        starterLabels: config.config.starterLabels,
        resolve: (login) => people.resolve(trx, { name: login, login }),
      });
      for (const [key, etag] of etags) await setMeta(trx, key, etag);
      await setMeta(trx, cursorKey, now);
    });
    await finishImportRun(db, runId, {
      status: "done",
      added: fresh.length,
      message: `starter tasks: ${fresh.length} read`,
    });
    return await summary(true);
  } catch (error) {
    await finishImportRun(db, runId, failedRun(0, error));
    throw error;
  }
}

async function readComments(
  github: GitHubClient,
  ref: RepoRef,
  options: { number: number; since: string },
): Promise<Comment[]> {
  const comments: Comment[] = [];
  for await (const comment of listIssueComments(github, ref, options)) comments.push(comment);
  return comments;
}

/** Open PRs naming any of `numbers` (gh-N): GitHub allows five ORs per search, so six numbers a request. */
async function searchOpenPullRequestsNaming(github: GitHubClient, ref: RepoRef, numbers: number[]) {
  const found: GitHubPullRequestSummary[] = [];
  for (let i = 0; i < numbers.length; i += 6) {
    const terms = numbers.slice(i, i + 6).map((n) => `gh-${n}`);
    found.push(...(await searchOpenPullRequests(github, ref, terms.join(" OR "))));
  }
  return found;
}

/** Numbers of issues and PRs updated since `cursor`: one search request for a quiet repository. */
async function changedSince(github: GitHubClient, ref: RepoRef, cursor: string): Promise<Set<number>> {
  const numbers = new Set<number>();
  for await (const item of searchUpdatedSince(github, ref, { since: cursor })) {
    numbers.add(item.number);
    // A PR or comment that names an umbrella (gh-N) changes that umbrella's claims.
    for (const n of issueReferences(`${item.title}\n${item.body ?? ""}`)) numbers.add(n);
  }
  return numbers;
}

async function refetch(github: GitHubClient, ref: RepoRef, number: number): Promise<GitHubIssue> {
  const issue = await getIssue(github, ref, { number, etag: null });
  if (!issue.modified) throw new Error(`GitHub answered 304 to an unconditional request for #${number}`);
  return issue.data;
}

export interface PullRequestSyncSummary extends SyncCost {
  discovered: number;
  fetched: number;
  added: number;
  merged: number;
  updated: number;
}

/**
 * Brings in the stages' pull requests with their labels, files and reviews. Discovery asks the
 * default branch's history for every stage path at once, plus a search for PRs naming the umbrella
 * issues; PRs already stored at the same updatedAt are skipped; the rest arrive 25 per GraphQL
 * request, each batch in its own transaction. The cursor (where the next sync starts) is written
 * last, so a killed sync repeats discovery and skips the batches it already stored.
 */
export async function syncPullRequests(
  options: GitHubSyncOptions & {
    /** Where the first sync starts (YYYY-MM-DD); later ones start at the cursor the last one left. */
    since?: string | null;
  },
): Promise<PullRequestSyncSummary> {
  const { db, config, github, since = null, now = isoSeconds(Date.now()) } = options;
  const { ref, source, report, cost } = await beginSync(options);
  const cursorKey = `github.prs.cursor:${source}`;
  const runId = await startImportRun(db, `${source} pull requests`);
  const counts = { added: 0, merged: 0, updated: 0, fetched: 0 };
  try {
    const cursor = await getMeta(db, cursorKey);
    const from = cursor ?? (since ? `${since}T00:00:00Z` : null);
    report("finding the stages' pull requests");
    const found = await listPullRequestsTouching(github, ref, {
      paths: stageDiscoveryPaths(config.config),
      since: from,
    });
    const umbrellaTerms = config.config.umbrellaIssues.map((u) => `gh-${u.number}`);
    for (const [number, updatedAt] of await searchPullRequests(github, ref, umbrellaTerms, from))
      found.set(number, updatedAt);
    const numbers = [...found.keys()];
    // Who the repository asks for reviews, compared on each stage page with who maintains it.
    const codeowners = await getCodeownersFile(github, ref);
    const stored = await listStoredPullRequestUpdates(db, { numbers });
    const wanted = numbers.filter((n) => stored.get(n) !== found.get(n)).sort((a, b) => a - b);

    const people = await PeopleResolver.load(db, config);
    report("pull requests", { done: 0, total: wanted.length });
    for await (const batch of getPullRequests(github, ref, { numbers: wanted })) {
      try {
        await db.transaction().execute(async (trx) => {
          for (const pr of batch) counts[await upsertPullRequest(trx, { config, people, pr: toFacts(pr) })] += 1;
        });
      } catch (error) {
        await people.reload(db);
        throw error;
      }
      counts.fetched += batch.length;
      report("pull requests", { done: counts.fetched, total: wanted.length });
    }
    await db.transaction().execute(async (trx) => {
      if (codeowners) {
        await upsertCodeowners(trx, {
          source,
          path: codeowners.path,
          revision: codeowners.sha,
          text: codeowners.text,
          readAt: now,
        });
      } else {
        await deleteCodeowners(trx, { source });
      }
      await setMeta(trx, cursorKey, now);
      // From `--since` (or the whole history) to now; a sync continuing from its cursor keeps the first one's start.
      await extendCoverage(trx, {
        source,
        from: cursor ? null : since,
        to: now.slice(0, 10),
        fromStart: !cursor && !since,
      });
    });
    // GitHub's accounts link git's e-mails to logins: people that now share a login become one.
    await resolveStoredIdentities(db, config);
    await finishImportRun(db, runId, {
      status: "done",
      added: counts.added + counts.merged + counts.updated,
      message: `pull requests: ${found.size} found, ${counts.fetched} fetched`,
    });
    return { ...cost(), discovered: found.size, ...counts };
  } catch (error) {
    await finishImportRun(db, runId, failedRun(counts.fetched, error));
    throw error;
  }
}

/**
 * Fetches one pull request (labels, files, reviews) and stores it as the sync does, reclassified: a
 * webhook's follow-up, so a PR the webhook stored bare gets its stages within seconds rather than at the
 * next sync. A number GitHub does not know (a deleted PR) changes nothing. Says whether it was stored.
 */
export async function refreshPullRequest({
  db,
  config,
  github,
  number,
  repository = config.config.project.repository,
  signal,
}: {
  db: Database;
  config: CompiledConfig;
  github: GitHubClient;
  number: number;
  repository?: string;
  /** Checked before writing: a run given up on (timed out, its scheduler stopping) writes nothing. */
  signal?: AbortSignal;
}): Promise<boolean> {
  const ref = parseRepository(repository);
  await keepDemoApart(db, { action: "sync" });
  let stored = false;
  for await (const batch of getPullRequests(github, ref, { numbers: [number] })) {
    if (batch.length === 0) continue;
    signal?.throwIfAborted();
    const people = await PeopleResolver.load(db, config);
    await db.transaction().execute(async (trx) => {
      for (const pr of batch) await upsertPullRequest(trx, { config, people, pr: toFacts(pr) });
    });
    stored = true;
  }
  return stored;
}

function toFacts(pr: GitHubPullRequest): PullRequestFacts {
  const author = pr.author?.login ?? null;
  const weights = reviewerWeights(author, pr.reviews);
  return {
    number: pr.number,
    title: pr.title,
    createdAt: pr.createdAt,
    mergedAt: pr.mergedAt,
    state: pr.state === "MERGED" ? "merged" : pr.state === "OPEN" ? "open" : "closed",
    updatedAt: pr.updatedAt,
    author: pr.author ? { name: pr.author.name || pr.author.login, login: pr.author.login } : null,
    account: pr.author ? { login: pr.author.login, isBot: pr.author.isBot, avatarUrl: pr.author.avatarUrl } : null,
    labels: pr.labels,
    refs: pullRequestReferences(pr),
    files: pr.files.map((f) => ({ path: f.path, added: f.additions, deleted: f.deletions })),
    reviewers: [...weights].map(([login, part]) => ({ identity: { name: login, login }, ...part })),
  };
}
