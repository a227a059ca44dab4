import type { Database } from "../../db/database";
import {
  checkRepository,
  explainGitHubError,
  getIssue,
  getPullRequests,
  GitHubError,
  listPullRequestsTouching,
  searchPullRequests,
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
import { getMeta, setMeta } from "../models/meta.server";
import { PeopleResolver } from "../models/person.server";
import { upsertPullRequest, type PullRequestFacts } from "../models/pull-request.server";
import {
  listGitHubLabelledTaskNumbers,
  replaceGitHubStarterTasks,
  type SyncedStarterTask,
} from "../models/starter-task.server";
import {
  CLAIM_DAYS,
  claimLapsed,
  findClaim,
  findIssueClaim,
  mentionedPaths,
  parseChecklist,
  type ChecklistItem,
  type Claim,
  type Comment,
} from "../stewardship/checklist";
import { classifyContribution } from "../stewardship/classify";
import { stageDiscoveryPaths, type CompiledConfig } from "../stewardship/config";
import { reviewerWeights } from "../stewardship/reviews";

export interface GitHubSyncProgress {
  step: string;
  /** Items of the current step done so far and in all, when the step knows its size. */
  items?: { done: number; total: number };
  requests: number;
  rateLimitRemaining: number | null;
}

export interface StarterTaskSyncSummary {
  repository: string;
  /** False when GitHub reported nothing changed since the last sync. */
  changed: boolean;
  tasks: { open: number; claimed: number; done: number };
  requests: number;
  rateLimitRemaining: number | null;
  seconds: number;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Reads the configured repository's starter tasks from GitHub: each checklist item of the
 * starter-track umbrella issues (ticked = done; claimed by an open PR naming it or a recent claiming
 * comment), and open issues carrying a starter label (claimed when assigned), each placed in a stage
 * by the classifier. Conditional requests and an "updated since" search keep a re-sync with nothing
 * new to two requests. All writes happen in one transaction at the end.
 */
export async function syncStarterTasks({
  db,
  config,
  github,
  repository = config.config.project.repository,
  now = isoSeconds(Date.now()),
  onProgress,
}: {
  db: Database;
  config: CompiledConfig;
  github: GitHubClient;
  repository?: string;
  now?: string;
  onProgress?: (progress: GitHubSyncProgress) => void;
}): Promise<StarterTaskSyncSummary> {
  const started = Date.now();
  const ref = parseRepository(repository);
  const report = (step: string, items?: GitHubSyncProgress["items"]) =>
    onProgress?.({ step, items, requests: github.requests(), rateLimitRemaining: github.rateLimit().remaining });
  report("checking the repository");
  await checkRepository(github, ref); // a bad token or a wrong name stops here, before anything is written

  const source = `github:${ref.owner}/${ref.repo}`;
  const runId = await startImportRun(db, `${source} starter tasks`);
  try {
    const cursorKey = `github.tasks.cursor:${source}`;
    const cursor = await getMeta(db, cursorKey);
    const changedNumbers = cursor ? await changedSince(github, ref, cursor) : null;
    if (changedNumbers && changedNumbers.size === 0) {
      report("nothing changed");
      await db.transaction().execute((trx) => setMeta(trx, cursorKey, now));
      await finishImportRun(db, runId, { status: "done", added: 0, message: "starter tasks: nothing changed" });
      return summary(false);
    }

    const umbrellas = config.config.umbrellaIssues.filter((u) => u.starterTrack);
    let openPullRequests: GitHubPullRequestSummary[] | undefined;
    const fresh: SyncedStarterTask[] = [];
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
      const comments = [];
      for await (const comment of listIssueComments(github, ref, {
        number: umbrella.number,
        since: isoSeconds(Date.parse(now) - CLAIM_DAYS * 86_400_000),
      })) {
        comments.push(comment);
      }
      const items = parseChecklist(data.body);
      refreshedUmbrellas.push(umbrella.number);
      for (const item of items) {
        const claim = findClaim({ item, comments, openPullRequests, now, claimDays: CLAIM_DAYS });
        fresh.push(checklistTask(umbrella.number, umbrella.stage, item, claim, data.labels, now));
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
      .filter((c): c is { issue: GitHubIssue; task: SyncedStarterTask } => c.task !== null);
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
    const since = isoSeconds(Date.parse(now) - CLAIM_DAYS * 86_400_000);
    for (const { issue, task } of labelled) {
      if (task.claimedBy !== null) {
        fresh.push(task);
        continue;
      }
      // A claiming comment is recent, so it left the issue updated recently.
      const comments: Comment[] = [];
      if (issue.comments > 0 && issue.updatedAt >= since) {
        for await (const comment of listIssueComments(github, ref, { number: issue.number, since }))
          comments.push(comment);
      }
      const claim = findIssueClaim({ issue, comments, openPullRequests: openPulls, now, claimDays: CLAIM_DAYS });
      fresh.push({ ...task, ...claimFields(claim) });
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
    return summary(true);
  } catch (error) {
    await finishImportRun(db, runId, {
      status: "failed",
      added: 0,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }

  function claimed(row: { claimedByPersonId: number | null; claimedAt: string | null }): boolean {
    return row.claimedByPersonId !== null && !claimLapsed(row.claimedAt, now);
  }

  async function summary(changed: boolean): Promise<StarterTaskSyncSummary> {
    const rows = await db
      .selectFrom("starterTasks")
      .select(["state", "claimedByPersonId", "claimedAt"])
      .where("source", "=", "github")
      .execute();
    return {
      repository: `${ref.owner}/${ref.repo}`,
      changed,
      tasks: {
        open: rows.filter((r) => r.state === "open" && !claimed(r)).length,
        claimed: rows.filter((r) => r.state === "open" && claimed(r)).length,
        done: rows.filter((r) => r.state === "done").length,
      },
      requests: github.requests(),
      rateLimitRemaining: github.rateLimit().remaining,
      seconds: (Date.now() - started) / 1000,
    };
  }
}

/** Numbers of issues and PRs updated since `cursor`: one search request for a quiet repository. */
/** Open PRs naming any of `numbers` (gh-N): GitHub allows five ORs per search, so six numbers a request. */
async function searchOpenPullRequestsNaming(github: GitHubClient, ref: RepoRef, numbers: number[]) {
  const found: GitHubPullRequestSummary[] = [];
  for (let i = 0; i < numbers.length; i += 6) {
    const terms = numbers.slice(i, i + 6).map((n) => `gh-${n}`);
    found.push(...(await searchOpenPullRequests(github, ref, terms.join(" OR "))));
  }
  return found;
}

async function changedSince(github: GitHubClient, ref: RepoRef, cursor: string): Promise<Set<number>> {
  const items = await github.octokit
    .paginate("GET /search/issues", { q: `repo:${ref.owner}/${ref.repo} updated:>=${cursor}`, per_page: 100 })
    .catch((error: unknown) => {
      throw explainGitHubError(error, `${ref.owner}/${ref.repo}`);
    });
  const numbers = new Set<number>();
  for (const item of items) {
    numbers.add(item.number);
    // A PR or comment that names an umbrella (gh-N) changes that umbrella's claims.
    for (const match of `${item.title}\n${item.body ?? ""}`.matchAll(/\bgh-(\d+)\b/gi)) numbers.add(Number(match[1]));
  }
  return numbers;
}

async function refetch(github: GitHubClient, ref: RepoRef, number: number): Promise<GitHubIssue> {
  const issue = await getIssue(github, ref, { number, etag: null });
  if (!issue.modified) throw new Error(`GitHub answered 304 to an unconditional request for #${number}`);
  return issue.data;
}

/** How a task stores its claim: who, the evidence, and when a claim by comment was made. */
function claimFields(claim: Claim | null): Pick<SyncedStarterTask, "claimedBy" | "claimEvidence" | "claimedAt"> {
  return { claimedBy: claim?.login ?? null, claimEvidence: claim?.evidence ?? null, claimedAt: claim?.at ?? null };
}

export function checklistTask(
  umbrella: number,
  stageId: string,
  item: ChecklistItem,
  claim: Claim | null,
  labels: string[],
  now: string,
): SyncedStarterTask {
  return {
    key: `${umbrella}#${item.index}`,
    stageId,
    issueNumber: umbrella,
    umbrellaNumber: umbrella,
    title: item.text.replace(/`/g, ""),
    state: item.done ? "done" : "open",
    ...claimFields(claim),
    claimEvidence: claim?.evidence ?? (item.done ? "ticked in the checklist" : null),
    labels,
    updatedAt: now,
  };
}

/**
 * A labelled issue as a starter task, or null when nothing ties it to the tracked stages (most `easy`
 * issues of a big project). `claim` defaults to what the issue itself says: its assignee.
 */
export function labelledTask(
  config: CompiledConfig,
  issue: GitHubIssue,
  now: string,
  claim: Claim | null = findIssueClaim({ issue, comments: [], openPullRequests: [], now }),
): SyncedStarterTask | null {
  const refs = [...`${issue.title}\n${issue.body ?? ""}`.matchAll(/\bgh-(\d+)\b/gi)].map((m) => Number(m[1]));
  const paths = [...new Set([...mentionedPaths(issue.title), ...mentionedPaths(issue.body)])];
  const classification = classifyContribution(config, {
    title: issue.title,
    files: paths.map((path) => ({ path, added: 1, deleted: 0 })),
    refs,
    labels: issue.labels,
  });
  if (!classification.jitRelated && classification.stages.length === 0) return null;
  return {
    key: String(issue.number),
    stageId: classification.stages[0]?.stageId ?? null,
    issueNumber: issue.number,
    umbrellaNumber: null,
    title: issue.title,
    state: "open",
    ...claimFields(claim),
    labels: issue.labels,
    updatedAt: now,
  };
}

export interface PullRequestSyncSummary {
  repository: string;
  discovered: number;
  fetched: number;
  added: number;
  merged: number;
  updated: number;
  requests: number;
  rateLimitRemaining: number | null;
  seconds: number;
}

/**
 * Brings in the stages' pull requests with their labels, files and reviews. Discovery asks the
 * default branch's history for every stage path at once, plus a search for PRs naming the umbrella
 * issues; PRs already stored at the same updatedAt are skipped; the rest arrive 25 per GraphQL
 * request, each batch in its own transaction. The cursor (where the next sync starts) is written
 * last, so a killed sync repeats discovery and skips the batches it already stored.
 */
export async function syncPullRequests({
  db,
  config,
  github,
  repository = config.config.project.repository,
  since = null,
  now = isoSeconds(Date.now()),
  onProgress,
}: {
  db: Database;
  config: CompiledConfig;
  github: GitHubClient;
  repository?: string;
  since?: string | null;
  now?: string;
  onProgress?: (progress: GitHubSyncProgress) => void;
}): Promise<PullRequestSyncSummary> {
  const started = Date.now();
  const ref = parseRepository(repository);
  const report = (step: string, items?: GitHubSyncProgress["items"]) =>
    onProgress?.({ step, items, requests: github.requests(), rateLimitRemaining: github.rateLimit().remaining });
  report("checking the repository");
  await checkRepository(github, ref);

  const source = `github:${ref.owner}/${ref.repo}`;
  const cursorKey = `github.prs.cursor:${source}`;
  const runId = await startImportRun(db, `${source} pull requests`);
  const counts = { added: 0, merged: 0, updated: 0, fetched: 0 };
  try {
    const from = (await getMeta(db, cursorKey)) ?? (since ? `${since}T00:00:00Z` : null);
    report("finding the stages' pull requests");
    const found = await listPullRequestsTouching(github, ref, {
      paths: stageDiscoveryPaths(config.config),
      since: from,
    });
    const umbrellaTerms = config.config.umbrellaIssues.map((u) => `gh-${u.number}`);
    for (const [number, updatedAt] of await searchPullRequests(github, ref, umbrellaTerms, from))
      found.set(number, updatedAt);
    const stored = new Map<number, string | null>();
    const numbers = [...found.keys()];
    for (let i = 0; i < numbers.length; i += 500) {
      const rows = await db
        .selectFrom("contributions")
        .select(["prNumber", "prUpdatedAt"])
        .where("prNumber", "in", numbers.slice(i, i + 500))
        .where("prUpdatedAt", "is not", null)
        .execute();
      for (const row of rows) if (row.prNumber !== null) stored.set(row.prNumber, row.prUpdatedAt);
    }
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
    await db.transaction().execute((trx) => setMeta(trx, cursorKey, now));
    // GitHub's accounts link git's e-mails to logins: people that now share a login become one.
    await resolveStoredIdentities(db, config);
    await finishImportRun(db, runId, {
      status: "done",
      added: counts.added + counts.merged + counts.updated,
      message: `pull requests: ${found.size} found, ${counts.fetched} fetched`,
    });
    return {
      repository: `${ref.owner}/${ref.repo}`,
      discovered: found.size,
      ...counts,
      requests: github.requests(),
      rateLimitRemaining: github.rateLimit().remaining,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    await finishImportRun(db, runId, {
      status: "failed",
      added: counts.fetched,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

function toFacts(pr: GitHubPullRequest): PullRequestFacts {
  const author = pr.author?.login ?? null;
  const weights = reviewerWeights(author, pr.reviews);
  return {
    number: pr.number,
    title: pr.title,
    createdAt: pr.createdAt,
    mergedAt: pr.mergedAt,
    updatedAt: pr.updatedAt,
    author: pr.author ? { name: pr.author.name || pr.author.login, login: pr.author.login } : null,
    account: pr.author ? { login: pr.author.login, isBot: pr.author.isBot, avatarUrl: pr.author.avatarUrl } : null,
    labels: pr.labels,
    refs: [...`${pr.title}\n${pr.body}`.matchAll(/\bgh-(\d+)\b/gi)]
      .map((m) => Number(m[1]))
      .filter((n) => n !== pr.number),
    files: pr.files.map((f) => ({ path: f.path, added: f.additions, deleted: f.deletions })),
    reviewers: [...weights].map(([login, part]) => ({ identity: { name: login, login }, ...part })),
  };
}
