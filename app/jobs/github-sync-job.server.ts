import type { Database } from "../../db/database";
import type { GitHubClient } from "../github.server";
import { syncPullRequests, syncStarterTasks } from "../ingest/github-sync.server";
import type { CompiledConfig } from "../stewardship/config";
import { parseInterval } from "../stewardship/schedule";
import type { ScheduledJob } from "./scheduler.server";

export const githubSyncJobName = "github-sync";

/** A scheduled-sync setting that cannot work; its message says what to set. */
export class ScheduleSettingError extends Error {
  override name = "ScheduleSettingError";
}

export interface SyncSchedule {
  everyMs: number;
  /** SYNC_EVERY as written, e.g. `1h`. */
  every: string;
  token: string;
  baseUrl: string | undefined;
}

/**
 * Reads SYNC_EVERY and the settings `npm run sync` uses (GITHUB_TOKEN, GITHUB_API_URL). Null when
 * SYNC_EVERY is unset: nothing is scheduled. A bad interval or a missing token throws, so the app
 * refuses to start rather than schedule syncs that cannot run.
 */
export function readSyncSchedule(env: NodeJS.ProcessEnv = process.env): SyncSchedule | null {
  const value = env.SYNC_EVERY;
  if (value === undefined || value.trim() === "") return null;
  const interval = parseInterval(value);
  if (!interval.ok) throw new ScheduleSettingError(interval.message);
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw new ScheduleSettingError(
      `SYNC_EVERY=${interval.text} schedules the GitHub sync, which needs GITHUB_TOKEN: set it to a token that can read the repository, or unset SYNC_EVERY.`,
    );
  }
  return { everyMs: interval.everyMs, every: interval.text, token, baseUrl: env.GITHUB_API_URL?.trim() || undefined };
}

/**
 * The GitHub sync as a scheduled job: pull requests, then starter tasks, of the configured repository,
 * as `npm run sync` does. The sync writes each batch in its own transaction and its cursor last, so an
 * attempt stopped between batches (its signal aborted) is simply continued by the next.
 */
export function githubSyncJob({
  db,
  config,
  github,
  everyMs,
  retry = { limit: 2, delayMs: 60_000 },
  timeoutMs = 60 * 60_000,
}: {
  db: Database;
  config: CompiledConfig;
  github: GitHubClient;
  everyMs: number;
  retry?: ScheduledJob["retry"];
  timeoutMs?: number;
}): ScheduledJob {
  return {
    name: githubSyncJobName,
    everyMs,
    retry,
    timeoutMs,
    run: async ({ signal }) => {
      const onProgress = () => signal.throwIfAborted();
      await syncPullRequests({ db, config, github, since: null, onProgress });
      signal.throwIfAborted();
      await syncStarterTasks({ db, config, github, onProgress });
    },
  };
}
