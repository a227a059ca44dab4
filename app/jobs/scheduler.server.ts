// One interface for running Steward's scheduled jobs, two implementations chosen by the database:
// an in-process timer for SQLite (one app instance), pg-boss for PostgreSQL (several instances, one
// run per tick among them). Both record every attempt in the app database (job_runs), which the
// dashboard's footer reads.
import os from "node:os";
import type { Database } from "../../db/database";
import { finishJobRun, startJobRun } from "../models/job-run.server";

export interface JobContext {
  /** 1 for a tick's first attempt, 2 for its first retry, … */
  attempt: number;
  /** The tick this run belongs to (ISO time). */
  scheduledFor: string;
  /**
   * Aborted when the attempt runs past the job's time limit or the scheduler stops. A job checks it
   * between steps it can resume from (the GitHub sync: between batches), so a run taken for dead and
   * handed to another instance does not go on beside it.
   */
  signal: AbortSignal;
}

export interface ScheduledJob {
  /** The job's name in job_runs and the queue's name in pg-boss, e.g. `github-sync`. */
  name: string;
  /** Ticks are aligned to the epoch (see app/stewardship/schedule.ts). */
  everyMs: number;
  run: (context: JobContext) => Promise<void>;
  /** Retries after a failed attempt; the delay doubles after each. */
  retry: { limit: number; delayMs: number };
  /** How long an attempt may run before it is stopped and, on pg-boss, taken for dead and retried elsewhere. */
  timeoutMs: number;
}

export interface Scheduler {
  readonly kind: "timer" | "pg-boss";
  /** Starts ticking the jobs; resolves once they are scheduled (and pg-boss is connected). */
  start(jobs: ScheduledJob[]): Promise<void>;
  /** Stops ticking and waits for attempts under way to finish or give up (their signal is aborted). */
  stop(): Promise<void>;
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
  job: ScheduledJob,
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
