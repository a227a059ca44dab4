import { z } from "zod";
import type { Database } from "../../db/database";
import type { CompiledConfig } from "../stewardship/config";
import { describeInterval, nextTickAfter } from "../stewardship/schedule";
import { createGitHubClient } from "../github.server";
import { githubSyncJob, readSyncSchedule } from "./github-sync-job.server";
import { PgBossJobQueue, PgBossScheduler } from "./pg-boss-scheduler.server";
import {
  pullRequestRefreshJob,
  pullRequestRefreshSettings,
  readFollowUpSettings,
} from "./pull-request-refresh-job.server";
import {
  isPostgresUrl,
  type JobQueue,
  type JobSettings,
  type QueuedJob,
  type ScheduledJob,
  type Scheduler,
} from "./scheduler.server";
import { TableJobQueue, TimerScheduler } from "./timer-scheduler.server";

// Which scheduler and which job queue an app process uses, chosen by DATABASE_URL, and the jobs the
// environment asks for: the GitHub sync (SYNC_EVERY) and webhooks' follow-ups (GITHUB_TOKEN beside
// GITHUB_WEBHOOK_SECRET). `npm start` runs the scheduler; the web server sends follow-ups to the queue.

/**
 * Shorter timings for the tests that run real app instances (tests/integration/several-instances.test.ts),
 * as JSON in STEWARD_TEST_JOB_TIMINGS: a sync tick every few seconds (SYNC_EVERY's shortest is a minute),
 * follow-ups given up for dead, retried and polled for within seconds. Never needed in production.
 */
const testTimings = z
  .object({
    syncEveryMs: z.number().int().min(100),
    followUpTimeoutMs: z.number().int().min(1000),
    followUpRetryDelayMs: z.number().int().min(1000),
    followUpRetries: z.number().int().min(0),
    pollMs: z.number().int().min(500),
    maintenanceSeconds: z.number().int().min(1),
  })
  .partial()
  .strict();

export type JobTimings = z.infer<typeof testTimings>;

export function readJobTimings(env: NodeJS.ProcessEnv = process.env): JobTimings {
  const text = env.STEWARD_TEST_JOB_TIMINGS?.trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`STEWARD_TEST_JOB_TIMINGS is not JSON: ${text}`);
  }
  const parsed = testTimings.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`STEWARD_TEST_JOB_TIMINGS: ${issue?.path.join(".") || "(top level)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * The follow-up's settings under these timings: the same for the web server that sends it (pg-boss takes
 * a job's retries from its queue when it is sent) and the schedulers that run it.
 */
export function followUpSettings(timings: JobTimings): JobSettings {
  const settings = pullRequestRefreshSettings(timings);
  return {
    ...settings,
    retry: {
      limit: timings.followUpRetries ?? settings.retry.limit,
      delayMs: timings.followUpRetryDelayMs ?? settings.retry.delayMs,
    },
  };
}

/**
 * The scheduler for the app's database: pg-boss on PostgreSQL (`DATABASE_URL=postgres://…`), where
 * several app instances may share the work; the in-process timer on SQLite, which one instance serves.
 */
export function createScheduler({
  databaseUrl,
  db,
  onEvent,
  timings = {},
}: {
  databaseUrl: string | undefined;
  db: Database;
  onEvent: (message: string) => void;
  timings?: JobTimings;
}): Scheduler {
  return isPostgresUrl(databaseUrl)
    ? new PgBossScheduler({
        connectionString: databaseUrl.trim(),
        db,
        onEvent,
        tuning: {
          pollingIntervalSeconds: timings.pollMs && timings.pollMs / 1000,
          maintenanceIntervalSeconds: timings.maintenanceSeconds,
        },
      })
    : new TimerScheduler(db, { onEvent, pollMs: timings.pollMs });
}

/**
 * Starts the jobs the environment asks for on `db`, the app's database: the GitHub sync every
 * SYNC_EVERY, and webhooks' follow-ups when webhooks are on and GITHUB_TOKEN is set. Null when there
 * is nothing to run. Throws ScheduleSettingError on a setting that cannot work.
 */
export async function startScheduledJobs({
  env = process.env,
  config,
  db,
  log,
}: {
  env?: NodeJS.ProcessEnv;
  config: CompiledConfig;
  db: Database;
  log: (message: string) => void;
}): Promise<{ scheduler: Scheduler; summary: string } | null> {
  const schedule = readSyncSchedule(env);
  const followUps = env.GITHUB_WEBHOOK_SECRET?.trim() ? readFollowUpSettings(env) : null;
  if (!schedule && !followUps) return null;
  const timings = readJobTimings(env);
  const scheduler = createScheduler({ databaseUrl: env.DATABASE_URL, db, onEvent: log, timings });
  // One client for both jobs: GitHub's limits are per token. Rate-limit waits are logged, as the CLI prints them.
  const token = schedule?.token ?? followUps?.token;
  const github = createGitHubClient({ token, baseUrl: schedule?.baseUrl ?? followUps?.baseUrl, onWait: log });
  const jobs: ScheduledJob[] = schedule
    ? [githubSyncJob({ db, config, github, everyMs: timings.syncEveryMs ?? schedule.everyMs })]
    : [];
  const queued: QueuedJob[] = followUps
    ? [pullRequestRefreshJob({ db, config, github, settings: followUpSettings(timings) })]
    : [];
  await scheduler.start(jobs, queued);
  const runner = scheduler.kind === "pg-boss" ? "pg-boss" : "the in-process timer";
  const lines: string[] = [];
  if (schedule) {
    const everyMs = timings.syncEveryMs ?? schedule.everyMs;
    const next = new Date(nextTickAfter(Date.now(), everyMs)).toISOString();
    lines.push(
      `Scheduled the GitHub sync of ${config.config.project.repository} ${describeInterval(everyMs)} ` +
        `(SYNC_EVERY=${schedule.every}; next at ${next.replace("T", " ").replace(/\.\d+Z$/, " UTC")}) with ${runner}.`,
    );
  }
  if (followUps) lines.push(`Webhook deliveries' pull requests are fetched from GitHub at once, by ${runner}.`);
  return { scheduler, summary: lines.join("\n") };
}

// The web server's queue for follow-ups, opened on first use, once per process and database.
const queues = new Map<string, Promise<JobQueue>>();

/**
 * Where the webhook route sends follow-ups: null without GITHUB_TOKEN (a PR a delivery brings then
 * waits for its files until a sync fetches it, once it is merged). On PostgreSQL a send-only pg-boss, started on first use.
 */
export async function getFollowUpQueue(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ queue: JobQueue; job: string } | null> {
  if (!readFollowUpSettings(env)) return null;
  const settings = followUpSettings(readJobTimings(env));
  const url = env.DATABASE_URL?.trim() ?? "";
  let queue = queues.get(url);
  if (!queue) {
    queue = isPostgresUrl(url)
      ? PgBossJobQueue.open({ connectionString: url, jobs: [settings], onEvent: (m) => console.warn(m) })
      : Promise.resolve(new TableJobQueue());
    queues.set(url, queue);
    // A failed start is not kept: the next delivery tries again.
    queue.catch(() => queues.delete(url));
  }
  return { queue: await queue, job: settings.name };
}

/** Closes the follow-up queues this process opened (tests; the web server keeps its queue for life). */
export async function closeFollowUpQueues(): Promise<void> {
  const opened = [...queues.values()];
  queues.clear();
  await Promise.all(opened.map(async (queue) => (await queue.catch(() => null))?.close()));
}
