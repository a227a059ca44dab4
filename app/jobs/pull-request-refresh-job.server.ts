import type { Database } from "../../db/database";
import type { GitHubClient } from "../github.server";
import { refreshPullRequest } from "../ingest/github-sync.server";
import { countWaitingJobs } from "../models/job-queue.server";
import { getGivenUpRuns } from "../models/job-run.server";
import { getPullRequestTitle } from "../models/pull-request.server";
import type { CompiledConfig } from "../stewardship/config";
import { FOLLOW_UP_FAILURES_SHOWN_MS, type FollowUpStatus } from "../stewardship/schedule";
import { keyOfQueuedRun, type JobSettings, type QueuedJob } from "./scheduler.server";

/**
 * A webhook's follow-up: a `pull_request` or `pull_request_review` delivery carries no files, so the
 * PR it stores waits for its stages; this job fetches that one PR from GitHub and stores it as the sync
 * does. Keyed by the PR's number, so a burst of deliveries for one PR is one fetch.
 */
export const pullRequestRefreshJobName = "pull-request-refresh";

/** One GraphQL request, retried with backoff over about a minute and a half before it is given up on. */
export function pullRequestRefreshSettings(timings: { followUpTimeoutMs?: number } = {}): JobSettings {
  return {
    name: pullRequestRefreshJobName,
    retry: { limit: 3, delayMs: 10_000 },
    // Long enough for a rate-limit wait or two; an instance dying mid-run holds the job this long.
    timeoutMs: timings.followUpTimeoutMs ?? 2 * 60_000,
  };
}

/** GITHUB_TOKEN and GITHUB_API_URL, as the sync reads them; null without a token: no follow-ups then. */
export function readFollowUpSettings(
  env: NodeJS.ProcessEnv = process.env,
): { token: string; baseUrl: string | undefined } | null {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) return null;
  return { token, baseUrl: env.GITHUB_API_URL?.trim() || undefined };
}

export function pullRequestRefreshJob({
  db,
  config,
  github,
  settings = pullRequestRefreshSettings(),
}: {
  db: Database;
  config: CompiledConfig;
  github: GitHubClient;
  settings?: JobSettings;
}): QueuedJob {
  return {
    ...settings,
    run: async ({ key, signal }) => {
      const number = Number(key);
      if (!Number.isSafeInteger(number) || number <= 0) throw new Error(`"${key}" is not a pull request number`);
      await refreshPullRequest({ db, config, github, number, signal });
    },
  };
}

/**
 * What the dashboard's footer says of follow-ups (followUpLines): those given up on after their retries
 * in the last day, with the latest one's pull request and error, and how many wait to start. Read from
 * job_runs and the queue (job_queue on SQLite, pg-boss's on PostgreSQL), so any instance sees them.
 */
export async function readFollowUpStatus(db: Database, { nowMs }: { nowMs: number }): Promise<FollowUpStatus> {
  const job = pullRequestRefreshJobName;
  const [givenUp, queue] = await Promise.all([
    getGivenUpRuns(db, { job, since: new Date(nowMs - FOLLOW_UP_FAILURES_SHOWN_MS).toISOString() }),
    countWaitingJobs(db, { job, now: new Date(nowMs).toISOString() }),
  ]);
  if (!givenUp) return { givenUp: null, ...queue };
  const key = Number(keyOfQueuedRun(givenUp.latest.runKey));
  const pr = Number.isSafeInteger(key) && key > 0 ? key : null;
  const title = pr === null ? null : await getPullRequestTitle(db, pr);
  const { at, error } = givenUp.latest;
  return { givenUp: { count: givenUp.count, since: givenUp.since, latest: { pr, title, at, error } }, ...queue };
}
