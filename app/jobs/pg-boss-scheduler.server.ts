import { createHash, randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import type { Database, Executor } from "../../db/database";
import { statementsOn } from "../models/job-queue.server";
import { insertSkippedJobRun, markJobRunDeadLetter } from "../models/job-run.server";
import {
  errorText,
  queuedRunKey,
  runRecordedAttempt,
  scheduleNextTick,
  thisInstance,
  type JobQueue,
  type JobSettings,
  type QueuedJob,
  type ScheduledJob,
  type Scheduler,
} from "./scheduler.server";

interface TickData {
  scheduledFor: string;
}

/** A queued job's data: what it is for, and what ties its attempts (and its dead letter) together in job_runs. */
interface QueuedData {
  key: string;
  runKey: string;
  queuedAt: string;
}

/** pg-boss's own intervals; tests shorten them, production keeps pg-boss's sense of time. */
export interface PgBossTuning {
  /** How often an idle worker asks for a job (pg-boss's default: 2 s). */
  pollingIntervalSeconds?: number;
  /** How often expired jobs are failed over to a retry, across all instances (default 60 s). */
  maintenanceIntervalSeconds?: number;
}

/**
 * A tick's job id: the same on every instance, so when each instance sends the tick's job, pg-boss
 * stores one (its insert is ON CONFLICT DO NOTHING on the id) and exactly one instance runs it.
 */
export function tickJobId(job: string, scheduledFor: string): string {
  const hex = createHash("sha256").update(`steward:${job}@${scheduledFor}`).digest("hex");
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const deadLetterQueue = (job: string) => `${job}-dead-letter`;

/**
 * Creates `job`'s queue and its dead-letter queue, or brings an existing one to these settings.
 * `singleton` (the sync): one job of the queue active at a time across all instances. `stately` (queued
 * jobs, keyed): per key at most one job waiting and one active, so a burst for one key collapses into the
 * job still waiting (its insert does nothing) and one that comes while it runs waits for it. (pg-boss
 * fetches the oldest job first: one waiting behind its key's running job holds up the queue's next fetch
 * until that run ends, a second or so for a follow-up.)
 */
async function setUpQueue(boss: PgBoss, job: JobSettings, policy: "singleton" | "stately"): Promise<void> {
  const deadLetter = deadLetterQueue(job.name);
  await retryDeadlocks(() => boss.createQueue(deadLetter));
  const queue: PgBoss.Queue = {
    name: job.name,
    policy,
    retryLimit: job.retry.limit,
    retryDelay: Math.max(1, Math.round(job.retry.delayMs / 1000)),
    retryBackoff: true,
    expireInSeconds: Math.max(1, Math.ceil(job.timeoutMs / 1000)),
    deadLetter,
  };
  // createQueue keeps an existing queue as it is; updateQueue applies this instance's settings.
  await retryDeadlocks(() => boss.createQueue(job.name, queue));
  await retryDeadlocks(() => boss.updateQueue(job.name, queue));
}

/**
 * The scheduler of several app instances on one PostgreSQL: every instance ticks and sends the tick's
 * job under the same id, so pg-boss holds one job per tick and exactly one instance runs it. The queue's
 * `singleton` policy lets one job of it be active at a time across all instances; a tick's job that
 * could only start once the next tick had come (it waited for the previous run) is skipped and recorded.
 * A failed attempt is retried by pg-boss with exponential backoff; the last failure goes to the job's
 * dead-letter queue and is recorded as a dead letter. An instance that dies mid-run leaves its job
 * active until the job's expiry (`timeoutMs`); pg-boss then fails it over to a retry that another
 * instance runs. Queued jobs (sent by PgBossJobQueue) are worked the same way: whichever instance
 * fetches one runs it, retried, expired and dead-lettered alike.
 */
export class PgBossScheduler implements Scheduler {
  readonly kind = "pg-boss";
  private boss: PgBoss | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly options: {
      /** pg-boss keeps its own tables (schema `pgboss`) on this PostgreSQL. */
      connectionString: string;
      /** The app database: job_runs and job_schedules. */
      db: Database;
      instance?: string;
      onEvent?: (message: string) => void;
      tuning?: PgBossTuning;
    },
  ) {}

  private get instance() {
    return this.options.instance ?? thisInstance();
  }

  async start(jobs: ScheduledJob[], queued: QueuedJob[] = []): Promise<void> {
    const { connectionString, tuning = {}, onEvent } = this.options;
    const boss = new PgBoss({
      connectionString,
      max: 4,
      schedule: false, // ticks are Steward's own (sub-minute, epoch-aligned), not pg-boss's cron
      maintenanceIntervalSeconds: tuning.maintenanceIntervalSeconds ?? 60,
    });
    boss.on("error", (error: unknown) => onEvent?.(`pg-boss: ${errorText(error)}`));
    await boss.start();
    this.boss = boss;
    const polling = { pollingIntervalSeconds: tuning.pollingIntervalSeconds ?? 2, batchSize: 1 };
    for (const job of jobs) {
      await setUpQueue(boss, job, "singleton");
      await boss.work<TickData>(job.name, { ...polling, includeMetadata: true }, ([tick]) => this.runTick(job, tick));
      await boss.work<TickData>(deadLetterQueue(job.name), polling, ([letter]) => this.recordDeadLetter(job, letter));
      await this.scheduleNext(job);
    }
    for (const job of queued) {
      await setUpQueue(boss, job, "stately");
      await boss.work<QueuedData>(job.name, { ...polling, includeMetadata: true }, ([run]) => this.runQueued(job, run));
      await boss.work<QueuedData>(deadLetterQueue(job.name), polling, ([letter]) =>
        this.recordQueuedDeadLetter(job, letter),
      );
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stopping.abort(new Error("the scheduler stopped"));
    // Waits for the attempts under way (aborted above, they stop at their next checkpoint). The job
    // schedules stay: other instances keep ticking.
    await this.boss?.stop({ graceful: true, wait: true, timeout: 30_000 });
    this.boss = undefined;
  }

  private async scheduleNext(job: ScheduledJob, after = Date.now()): Promise<void> {
    if (this.stopping.signal.aborted) return;
    await scheduleNextTick(this.options.db, this.kind, job, after, (ms, next) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.tick(job, next);
      }, ms);
      this.timers.add(timer);
    });
  }

  private async tick(job: ScheduledJob, tick: number): Promise<void> {
    const scheduledFor = new Date(tick).toISOString();
    try {
      await this.scheduleNext(job, tick);
      await this.boss?.send(job.name, { scheduledFor } satisfies TickData, { id: tickJobId(job.name, scheduledFor) });
    } catch (error) {
      this.options.onEvent?.(`${job.name}: could not send the ${scheduledFor} tick: ${errorText(error)}`);
    }
  }

  private async runTick(job: ScheduledJob, tick: PgBoss.JobWithMetadata<TickData> | undefined): Promise<void> {
    if (!tick) return;
    const { scheduledFor } = tick.data;
    const attempt = tick.retryCount + 1;
    if (attempt === 1 && Date.now() >= Date.parse(scheduledFor) + job.everyMs) {
      await insertSkippedJobRun(this.options.db, {
        job: job.name,
        runKey: tick.id,
        scheduledFor,
        instance: this.instance,
        startedAt: new Date().toISOString(),
        reason: "it waited past the next tick for the previous run to finish",
      });
      return;
    }
    const failure = await runRecordedAttempt(this.options.db, job, {
      runKey: tick.id,
      scheduledFor,
      attempt,
      lastAttempt: tick.retryCount >= tick.retryLimit,
      instance: this.instance,
      stopping: this.stopping.signal,
    });
    // Thrown, so pg-boss retries it or, after the last attempt, moves it to the dead-letter queue.
    if (failure) throw failure instanceof Error ? failure : new Error(errorText(failure));
  }

  private async runQueued(job: QueuedJob, run: PgBoss.JobWithMetadata<QueuedData> | undefined): Promise<void> {
    if (!run) return;
    const { key, runKey } = run.data;
    const failure = await runRecordedAttempt(
      this.options.db,
      { name: job.name, timeoutMs: job.timeoutMs, run: (context) => job.run({ ...context, key }) },
      {
        runKey,
        scheduledFor: run.data.queuedAt,
        attempt: run.retryCount + 1,
        lastAttempt: run.retryCount >= run.retryLimit,
        instance: this.instance,
        stopping: this.stopping.signal,
      },
    );
    if (failure) throw failure instanceof Error ? failure : new Error(errorText(failure));
  }

  /** A queued job given up on: as a tick's (recordDeadLetter), found by the run key its data carries. */
  private async recordQueuedDeadLetter(job: QueuedJob, letter: PgBoss.Job<QueuedData> | undefined): Promise<void> {
    if (!letter) return;
    await markJobRunDeadLetter(this.options.db, {
      job: job.name,
      runKey: letter.data.runKey,
      scheduledFor: letter.data.queuedAt,
      instance: this.instance,
      at: new Date().toISOString(),
    });
  }

  /**
   * A tick's job given up on arrives here: its last attempt failed (already recorded as a dead letter)
   * or expired because the instance running it died, in which case its attempt is still marked running.
   */
  private async recordDeadLetter(job: ScheduledJob, letter: PgBoss.Job<TickData> | undefined): Promise<void> {
    if (!letter) return;
    await markJobRunDeadLetter(this.options.db, {
      job: job.name,
      runKey: tickJobId(job.name, letter.data.scheduledFor),
      scheduledFor: letter.data.scheduledFor,
      instance: this.instance,
      at: new Date().toISOString(),
    });
  }
}

/**
 * Queued jobs on PostgreSQL, for the processes that send them (the web server, for a webhook's
 * follow-up): a pg-boss that only sends, its queues set up once, each job inserted on the caller's
 * transaction (pg-boss's `db` option). Its id is fresh; the key is pg-boss's singleton key, which the
 * queue's `stately` policy keeps to one waiting job. The workers are the PgBossSchedulers `npm start`
 * runs in every instance.
 */
export class PgBossJobQueue implements JobQueue {
  private constructor(private readonly boss: PgBoss) {}

  static async open({
    connectionString,
    jobs,
    onEvent,
  }: {
    connectionString: string;
    jobs: JobSettings[];
    onEvent?: (message: string) => void;
  }): Promise<PgBossJobQueue> {
    // Sends only: no maintenance, no cron, no workers. start() creates pg-boss's schema if no instance has.
    const boss = new PgBoss({ connectionString, max: 2, supervise: false, schedule: false });
    boss.on("error", (error: unknown) => onEvent?.(`pg-boss: ${errorText(error)}`));
    await boss.start();
    try {
      for (const job of jobs) await setUpQueue(boss, job, "stately");
    } catch (error) {
      await boss.stop({ graceful: false });
      throw error;
    }
    return new PgBossJobQueue(boss);
  }

  async enqueue(trx: Executor, job: string, key: string): Promise<boolean> {
    const id = randomUUID();
    const data: QueuedData = { key, runKey: queuedRunKey(job, key, id), queuedAt: new Date().toISOString() };
    const sent = await this.boss.send(job, data, { id, singletonKey: key, db: statementsOn(trx) });
    return sent !== null;
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false });
  }
}

/**
 * Runs a queue set-up statement again when PostgreSQL chose it as a deadlock's victim (40P01): instances
 * starting together create the same queues (and their tables) at once, and PostgreSQL aborts one of
 * the deadlocked transactions, whose retry then finds the queue made and keeps it.
 */
async function retryDeadlocks<T>(step: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      const deadlock = typeof error === "object" && error !== null && "code" in error && error.code === "40P01";
      if (!deadlock || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}
