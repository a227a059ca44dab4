// One interface for running Steward's jobs, two implementations chosen by the database: an in-process
// timer for SQLite (one app instance), pg-boss for PostgreSQL (several instances, one run per tick or
// per queued job among them). Jobs are scheduled (a tick every `everyMs`: the GitHub sync) or queued
// on demand (a webhook's follow-up, through a JobQueue). Both record every attempt in the app database
// (job_runs), which the dashboard's footer reads.
import os from "node:os";
import type { Database, Executor } from "../../db/database";
import { finishJobRun, startJobRun, upsertJobSchedule } from "../models/job-run.server";
import { nextTickAfter } from "../stewardship/schedule";

export interface JobContext {
  /** 1 for a tick's first attempt, 2 for its first retry, … */
  attempt: number;
  /** The tick this run belongs to (ISO time); for a queued job, when it was queued. */
  scheduledFor: string;
  /**
   * Aborted when the attempt runs past the job's time limit or the scheduler stops. A job checks it
   * between steps it can resume from (the GitHub sync: between batches), so a run taken for dead and
   * handed to another instance does not go on beside it.
   */
  signal: AbortSignal;
}

/** What every job declares, scheduled or queued: the sender of a queued job needs no more. */
export interface JobSettings {
  /** The job's name in job_runs and the queue's name in pg-boss, e.g. `github-sync`. */
  name: string;
  /** Retries after a failed attempt; the delay doubles after each. */
  retry: { limit: number; delayMs: number };
  /** How long an attempt may run before it is stopped and, on pg-boss, taken for dead and retried elsewhere. */
  timeoutMs: number;
}

export interface ScheduledJob extends JobSettings {
  /** Ticks are aligned to the epoch (see app/stewardship/schedule.ts). */
  everyMs: number;
  run: (context: JobContext) => Promise<void>;
}

/** A job run once per JobQueue.enqueue (a burst for one key collapsing into the run still waiting). */
export interface QueuedJob extends JobSettings {
  run: (context: JobContext & { key: string }) => Promise<void>;
}

export interface Scheduler {
  readonly kind: "timer" | "pg-boss";
  /**
   * Starts ticking the scheduled jobs and working the queued ones; resolves once they are scheduled
   * (and pg-boss is connected).
   */
  start(jobs: ScheduledJob[], queued?: QueuedJob[]): Promise<void>;
  /** Stops ticking and waits for attempts under way to finish or give up (their signal is aborted). */
  stop(): Promise<void>;
}

/**
 * Where queued jobs are sent: the job_queue table on SQLite, pg-boss on PostgreSQL. A run is queued in
 * the caller's transaction, so it exists exactly when what asked for it was committed (a webhook
 * delivery recorded as applied), and a process dying in between loses nothing.
 */
export interface JobQueue {
  /** Resolves false when a run of `job` for `key` was already waiting: the request collapses into it. */
  enqueue(trx: Executor, job: string, key: string): Promise<boolean>;
  /** Closes what the queue opened (pg-boss's connections). */
  close(): Promise<void>;
}

/** `job-name#key@id`: ties a queued run's attempts together in job_runs and names what it was for. */
export const queuedRunKey = (job: string, key: string, id: string | number) => `${job}#${key}@${id}`;

/** The key a queuedRunKey names (a follow-up's pull request number), or null for another run key. */
export function keyOfQueuedRun(runKey: string): string | null {
  return /^[^#]*#(.*)@[^@]*$/.exec(runKey)?.[1] ?? null;
}

/**
 * Arms `job`'s next tick with `arm` (the scheduler's timer: the delay, and the tick it fires) and records
 * it in job_schedules, which the footer reads. `after`: the tick that just fired; a timer may fire a
 * millisecond early, and must not fire the same tick again.
 */
export async function scheduleNextTick(
  db: Database,
  kind: Scheduler["kind"],
  job: ScheduledJob,
  after: number,
  arm: (delayMs: number, tick: number) => void,
): Promise<void> {
  const next = nextTickAfter(Math.max(Date.now(), after), job.everyMs);
  arm(next - Date.now(), next);
  await upsertJobSchedule(db, {
    job: job.name,
    scheduler: kind,
    everyMs: job.everyMs,
    nextRunAt: new Date(next).toISOString(),
  });
}

/** How job_runs names the process that ran an attempt. */
export const thisInstance = () => `${os.hostname()}:${process.pid}`;

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs one attempt of `job` and records it: running, then ok or failed (dead-lettered when `lastAttempt`).
 * Resolves with the error of a failed attempt, or null.
 */
export async function runRecordedAttempt(
  db: Database,
  job: Pick<JobSettings, "name" | "timeoutMs"> & { run: (context: JobContext) => Promise<void> },
  {
    runKey,
    scheduledFor,
    attempt,
    lastAttempt,
    instance,
    stopping,
  }: {
    runKey: string;
    scheduledFor: string;
    attempt: number;
    lastAttempt: boolean;
    instance: string;
    stopping: AbortSignal;
  },
): Promise<unknown> {
  const id = await startJobRun(db, {
    job: job.name,
    runKey,
    scheduledFor,
    attempt,
    instance,
    startedAt: new Date().toISOString(),
  });
  const signal = AbortSignal.any([stopping, AbortSignal.timeout(job.timeoutMs)]);
  let failure: unknown = null;
  try {
    await job.run({ attempt, scheduledFor, signal });
  } catch (error) {
    failure = error ?? new Error("the job failed");
  }
  await finishJobRun(db, id, {
    outcome: failure ? "failed" : "ok",
    error: failure ? errorText(failure) : null,
    deadLetter: failure !== null && lastAttempt,
    finishedAt: new Date().toISOString(),
  });
  return failure;
}

/** A PostgreSQL connection string (`postgres://` or `postgresql://`): the pg-boss scheduler's database. */
export function isPostgresUrl(url: string | undefined): url is string {
  return /^postgres(ql)?:\/\//i.test(url?.trim() ?? "");
}
