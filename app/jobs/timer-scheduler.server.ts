import type { Database, Executor } from "../../db/database";
import {
  claimQueuedJob,
  deleteQueuedJob,
  enqueueJob,
  requeueInterruptedJobs,
  requeueJob,
  type ClaimedJob,
} from "../models/job-queue.server";
import { closeInterruptedJobRuns, deleteJobSchedule, insertSkippedJobRun } from "../models/job-run.server";
import { retryDelayMs } from "../stewardship/schedule";
import {
  errorText,
  queuedRunKey,
  runRecordedAttempt,
  scheduleNextTick,
  thisInstance,
  type JobQueue,
  type QueuedJob,
  type ScheduledJob,
  type Scheduler,
} from "./scheduler.server";

/**
 * The scheduler of a single app instance on SQLite: a timer per job, firing on the epoch-aligned ticks.
 * A job never runs twice at once: a tick that comes while the previous run (or its retries) is still
 * going is skipped and recorded as such. A failed attempt is retried after a doubling delay; the last
 * failure is recorded as a dead letter. Queued jobs wait in the job_queue table (TableJobQueue), which
 * it drains every `pollMs`, one run at a time per job; a run the previous process left running is
 * queued again at start.
 */
export class TimerScheduler implements Scheduler {
  readonly kind = "timer";
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Map<string, { scheduledFor: string; done: Promise<void> }>();
  private readonly draining = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private jobs: ScheduledJob[] = [];

  constructor(
    private readonly db: Database,
    private readonly options: {
      instance?: string;
      onEvent?: (message: string) => void;
      /** How often the job queue is looked at when idle (default 1 s). */
      pollMs?: number;
    } = {},
  ) {}

  private get instance() {
    return this.options.instance ?? thisInstance();
  }

  async start(jobs: ScheduledJob[], queued: QueuedJob[] = []): Promise<void> {
    this.jobs = jobs;
    const at = new Date().toISOString();
    for (const job of jobs) {
      // One instance only: a run still marked running was this app's previous process's, which ended.
      await closeInterruptedJobRuns(this.db, { job: job.name, at });
      await this.scheduleNext(job);
    }
    for (const job of queued) {
      await closeInterruptedJobRuns(this.db, { job: job.name, at });
      const requeued = await requeueInterruptedJobs(this.db, { job: job.name, at });
      if (requeued > 0)
        this.options.onEvent?.(`${job.name}: queued again ${requeued} run(s) the last process left going.`);
      this.drainAfter(job, 0);
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stopping.abort(new Error("the scheduler stopped"));
    await Promise.all([...this.running.values()].map((run) => run.done));
    await Promise.all(this.draining);
    for (const job of this.jobs) await deleteJobSchedule(this.db, job.name);
  }

  private drainAfter(job: QueuedJob, ms: number): void {
    if (this.stopping.signal.aborted) return;
    this.after(ms, () => {
      const done = this.drain(job).finally(() => {
        this.draining.delete(done);
        this.drainAfter(job, this.options.pollMs ?? 1000);
      });
      this.draining.add(done);
    });
  }

  /** Runs the due runs of `job`, one after another, until none is left. */
  private async drain(job: QueuedJob): Promise<void> {
    try {
      while (!this.stopping.signal.aborted) {
        const claimed = await claimQueuedJob(this.db, {
          job: job.name,
          now: new Date().toISOString(),
          instance: this.instance,
        });
        if (!claimed) return;
        await this.runQueued(job, claimed);
      }
    } catch (error) {
      // The queue itself could not be read or written (the database is unusable): say so, keep polling.
      this.options.onEvent?.(`${job.name}: could not work the queue: ${errorText(error)}`);
    }
  }

  private async runQueued(job: QueuedJob, claimed: ClaimedJob): Promise<void> {
    const lastAttempt = claimed.attempt > job.retry.limit;
    const failure = await runRecordedAttempt(
      this.db,
      { name: job.name, timeoutMs: job.timeoutMs, run: (context) => job.run({ ...context, key: claimed.key }) },
      {
        runKey: queuedRunKey(job.name, claimed.key, claimed.id),
        scheduledFor: claimed.queuedAt,
        attempt: claimed.attempt,
        lastAttempt,
        instance: this.instance,
        stopping: this.stopping.signal,
      },
    );
    if (!failure) return deleteQueuedJob(this.db, claimed.id);
    this.options.onEvent?.(
      `${job.name} ${claimed.key}: attempt ${claimed.attempt} failed: ${errorText(failure)}${lastAttempt ? "; giving up" : ""}.`,
    );
    if (lastAttempt) return deleteQueuedJob(this.db, claimed.id);
    // Stopped mid-run, it waits for the next start; failed, for its backoff.
    const delay = this.stopping.signal.aborted ? 0 : retryDelayMs(claimed.attempt, job.retry.delayMs);
    await requeueJob(this.db, { id: claimed.id, runAfter: new Date(Date.now() + delay).toISOString() });
  }

  private after(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      then();
    }, ms);
    this.timers.add(timer);
  }

  private async scheduleNext(job: ScheduledJob, after = Date.now()): Promise<void> {
    if (this.stopping.signal.aborted) return;
    await scheduleNextTick(this.db, this.kind, job, after, (ms, next) =>
      this.after(ms, () => void this.tick(job, next)),
    );
  }

  private async tick(job: ScheduledJob, tick: number): Promise<void> {
    const scheduledFor = new Date(tick).toISOString();
    try {
      await this.scheduleNext(job, tick);
      const going = this.running.get(job.name);
      if (going) {
        await insertSkippedJobRun(this.db, {
          job: job.name,
          runKey: `${job.name}@${scheduledFor}`,
          scheduledFor,
          instance: this.instance,
          startedAt: new Date().toISOString(),
          reason: `the run of ${going.scheduledFor} was still going`,
        });
        this.options.onEvent?.(`${job.name}: skipped the ${scheduledFor} tick, the previous run is still going.`);
        return;
      }
      const done = this.runWithRetries(job, scheduledFor).finally(() => this.running.delete(job.name));
      this.running.set(job.name, { scheduledFor, done });
      await done;
    } catch (error) {
      // Recording itself failed (the database is unusable): say so, keep ticking.
      this.options.onEvent?.(`${job.name}: could not record the ${scheduledFor} run: ${String(error)}`);
    }
  }

  private async runWithRetries(job: ScheduledJob, scheduledFor: string): Promise<void> {
    const runKey = `${job.name}@${scheduledFor}`;
    for (let attempt = 1; ; attempt++) {
      const lastAttempt = attempt > job.retry.limit || this.stopping.signal.aborted;
      const failure = await runRecordedAttempt(this.db, job, {
        runKey,
        scheduledFor,
        attempt,
        lastAttempt,
        instance: this.instance,
        stopping: this.stopping.signal,
      });
      if (!failure) return;
      this.options.onEvent?.(
        `${job.name}: attempt ${attempt} of the ${scheduledFor} run failed: ${String(failure)}${lastAttempt ? "; giving up" : ""}.`,
      );
      if (lastAttempt) return;
      const delay = retryDelayMs(attempt, job.retry.delayMs);
      const waited = await new Promise<boolean>((resolve) => {
        const onStop = () => resolve(false);
        this.stopping.signal.addEventListener("abort", onStop, { once: true });
        this.after(delay, () => {
          this.stopping.signal.removeEventListener("abort", onStop);
          resolve(true);
        });
      });
      if (!waited) return;
    }
  }
}

/**
 * Queued jobs on SQLite: a row of job_queue, written in the caller's transaction; the TimerScheduler of
 * the app's `npm start` drains it.
 */
export class TableJobQueue implements JobQueue {
  async enqueue(trx: Executor, job: string, key: string): Promise<boolean> {
    return enqueueJob(trx, { job, key, at: new Date().toISOString() });
  }

  async close(): Promise<void> {}
}
