import type { Database } from "../../db/database";
import type { JobOutcome, JobSchedulesTable } from "../../db/schema";

export interface JobRunStart {
  job: string;
  /** Ties a tick's attempts together: the timer's tick, or pg-boss's job id. */
  runKey: string;
  scheduledFor: string;
  attempt: number;
  instance: string;
  startedAt: string;
}

const interrupted = "stopped before it finished: the process running it ended";

/**
 * Records an attempt as running. An earlier attempt of the same run still marked running belonged to a
 * process that died mid-run (pg-boss hands the job to another instance once it expires): it is closed
 * as failed first.
 */
export async function startJobRun(db: Database, run: JobRunStart): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable("jobRuns")
      .set({ outcome: "failed", finishedAt: run.startedAt, error: interrupted })
      .where("runKey", "=", run.runKey)
      .where("outcome", "=", "running")
      .execute();
    const row = await trx
      .insertInto("jobRuns")
      .values({ ...run, finishedAt: null, outcome: "running", error: null, deadLetter: 0 })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(row.id);
  });
}

/** Closes an attempt: ok, or failed with its error (and `deadLetter` when no retry follows). */
export async function finishJobRun(
  db: Database,
  id: number,
  {
    outcome,
    error,
    deadLetter,
    finishedAt,
  }: { outcome: "ok" | "failed"; error: string | null; deadLetter: boolean; finishedAt: string },
): Promise<void> {
  await db
    .updateTable("jobRuns")
    .set({ outcome, error, deadLetter: deadLetter ? 1 : 0, finishedAt })
    .where("id", "=", id)
    .execute();
}

/** Records a tick that did not run because the previous run was still going. */
export async function insertSkippedJobRun(
  db: Database,
  run: Omit<JobRunStart, "attempt"> & { reason: string },
): Promise<void> {
  const { reason, ...rest } = run;
  await db
    .insertInto("jobRuns")
    .values({ ...rest, attempt: 0, finishedAt: run.startedAt, outcome: "skipped", error: reason, deadLetter: 0 })
    .execute();
}

/**
 * A single-instance scheduler starting: runs of `job` still marked running were left by this app's
 * previous process, which ended mid-run.
 */
export async function closeInterruptedJobRuns(db: Database, { job, at }: { job: string; at: string }): Promise<number> {
  const result = await db
    .updateTable("jobRuns")
    .set({ outcome: "failed", finishedAt: at, error: interrupted })
    .where("job", "=", job)
    .where("outcome", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function upsertJobSchedule(db: Database, schedule: Omit<JobSchedulesTable, "updatedAt">): Promise<void> {
  const updatedAt = new Date().toISOString();
  await db
    .insertInto("jobSchedules")
    .values({ ...schedule, updatedAt })
    .onConflict((oc) =>
      oc.column("job").doUpdateSet({
        scheduler: schedule.scheduler,
        everyMs: schedule.everyMs,
        nextRunAt: schedule.nextRunAt,
        updatedAt,
      }),
    )
    .execute();
}

/** The job is no longer scheduled (its only scheduler stopped): the dashboard stops promising a next run. */
export async function deleteJobSchedule(db: Database, job: string): Promise<void> {
  await db.deleteFrom("jobSchedules").where("job", "=", job).execute();
}

export interface JobRunView {
  outcome: JobOutcome;
  scheduledFor: string;
  startedAt: string;
  finishedAt: string | null;
  attempt: number;
  error: string | null;
}

export interface ScheduledJobView {
  job: string;
  scheduler: "timer" | "pg-boss";
  everyMs: number;
  nextRunAt: string;
  /** The latest attempt that ran (skipped ticks aside), running or finished. */
  last: JobRunView | null;
  /** The latest run given up on after its retries, when no run has succeeded since. */
  deadLetter: JobRunView | null;
  /** Ticks skipped since the last attempt that ran, because a run was still going. */
  skippedSince: number;
}

const runColumns = ["outcome", "scheduledFor", "startedAt", "finishedAt", "attempt", "error"] as const;

const runView = (row: JobRunView): JobRunView => ({
  outcome: row.outcome,
  scheduledFor: row.scheduledFor,
  startedAt: row.startedAt,
  finishedAt: row.finishedAt,
  attempt: Number(row.attempt),
  error: row.error,
});

/** Every scheduled job with its next tick, its last run and any run given up on since the last success. */
export async function listScheduledJobs(db: Database): Promise<ScheduledJobView[]> {
  const schedules = await db
    .selectFrom("jobSchedules")
    .select(["job", "scheduler", "everyMs", "nextRunAt"])
    .orderBy("job")
    .execute();
  return Promise.all(
    schedules.map(async (schedule) => {
      const lastRow = await db
        .selectFrom("jobRuns")
        .select(["id", ...runColumns])
        .where("job", "=", schedule.job)
        .where("outcome", "!=", "skipped")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      const lastOk = await db
        .selectFrom("jobRuns")
        .select((eb) => eb.fn.max("id").as("id"))
        .where("job", "=", schedule.job)
        .where("outcome", "=", "ok")
        .executeTakeFirst();
      const deadLetter = await db
        .selectFrom("jobRuns")
        .select(runColumns)
        .where("job", "=", schedule.job)
        .where("deadLetter", "=", 1)
        .where("id", ">", Number(lastOk?.id ?? 0))
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      const skipped = await db
        .selectFrom("jobRuns")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("job", "=", schedule.job)
        .where("outcome", "=", "skipped")
        .where("id", ">", Number(lastRow?.id ?? 0))
        .executeTakeFirstOrThrow();
      return {
        ...schedule,
        everyMs: Number(schedule.everyMs),
        last: lastRow ? runView(lastRow) : null,
        deadLetter: deadLetter ? runView(deadLetter) : null,
        skippedSince: Number(skipped.count),
      };
    }),
  );
}

export interface GivenUpRuns {
  count: number;
  /** When the first of them was given up on. */
  since: string;
  latest: { runKey: string; at: string; error: string | null };
}

/**
 * Runs of `job` given up on after their retries (dead letters) since `since`: how many, when the first
 * was, and the latest with its error. Null when there were none.
 */
export async function getGivenUpRuns(
  db: Database,
  { job, since }: { job: string; since: string },
): Promise<GivenUpRuns | null> {
  const given = db
    .selectFrom("jobRuns")
    .where("job", "=", job)
    .where("deadLetter", "=", 1)
    .where("finishedAt", ">=", since);
  const [counted, latest] = await Promise.all([
    given
      .select((eb) => [eb.fn.countAll<number>().as("count"), eb.fn.min("finishedAt").as("since")])
      .executeTakeFirstOrThrow(),
    given.select(["runKey", "finishedAt", "error"]).orderBy("id", "desc").limit(1).executeTakeFirst(),
  ]);
  if (!latest || counted.since === null) return null;
  return {
    count: Number(counted.count),
    since: counted.since,
    latest: { runKey: latest.runKey, at: latest.finishedAt ?? counted.since, error: latest.error },
  };
}

/**
 * Marks a run given up on (pg-boss's dead-letter queue delivered it): its latest attempt becomes the
 * dead letter, closed as failed if the process running it died; a run with no attempt recorded gets one.
 */
export async function markJobRunDeadLetter(
  db: Database,
  {
    job,
    runKey,
    scheduledFor,
    instance,
    at,
  }: { job: string; runKey: string; scheduledFor: string; instance: string; at: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const latest = await trx
      .selectFrom("jobRuns")
      .select(["id", "outcome"])
      .where("runKey", "=", runKey)
      .where("outcome", "!=", "skipped")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!latest) {
      await trx
        .insertInto("jobRuns")
        .values({
          job,
          runKey,
          scheduledFor,
          attempt: 0,
          instance,
          startedAt: at,
          finishedAt: at,
          outcome: "failed",
          error: "given up on before any attempt was recorded",
          deadLetter: 1,
        })
        .execute();
      return;
    }
    await trx
      .updateTable("jobRuns")
      .set(
        latest.outcome === "running"
          ? { deadLetter: 1, outcome: "failed", finishedAt: at, error: interrupted }
          : { deadLetter: 1 },
      )
      .where("id", "=", latest.id)
      .execute();
  });
}
