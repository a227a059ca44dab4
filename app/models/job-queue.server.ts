import { CompiledQuery, sql } from "kysely";
import { dialectOf, type Database, type Executor } from "../../db/database";

// Jobs run on demand (a webhook's follow-up). On SQLite they wait in job_queue (migration 0018), which
// the timer scheduler drains; on PostgreSQL pg-boss keeps them, inserted on the caller's transaction
// through `statementsOn`.

/**
 * Queues a run of `job` for `key` as part of `trx`: it exists once the transaction commits, and not if
 * it rolls back. False when a run for `key` is already waiting: the new request collapses into it.
 */
export async function enqueueJob(
  trx: Executor,
  { job, key, at }: { job: string; key: string; at: string },
): Promise<boolean> {
  const result = await trx
    .insertInto("jobQueue")
    .values({ job, key, state: "queued", attempts: 0, queuedAt: at, runAfter: at, startedAt: null, instance: null })
    .onConflict((oc) => oc.columns(["job", "key", "state"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface ClaimedJob {
  id: number;
  key: string;
  /** This attempt's number: 1 for the first. */
  attempt: number;
  queuedAt: string;
}

/**
 * Takes the next due run of `job` (oldest first) and marks it running, counting the attempt; null when
 * none is due. A key whose run is going is passed over: one running row per key.
 */
export async function claimQueuedJob(
  db: Database,
  { job, now, instance }: { job: string; now: string; instance: string },
): Promise<ClaimedJob | null> {
  return db.transaction().execute(async (trx) => {
    const next = await trx
      .selectFrom("jobQueue as q")
      .select(["q.id", "q.key", "q.attempts", "q.queuedAt"])
      .where("q.job", "=", job)
      .where("q.state", "=", "queued")
      .where("q.runAfter", "<=", now)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("jobQueue as r")
              .select("r.id")
              .whereRef("r.job", "=", "q.job")
              .whereRef("r.key", "=", "q.key")
              .where("r.state", "=", "running"),
          ),
        ),
      )
      .orderBy("q.runAfter")
      .orderBy("q.id")
      .limit(1)
      .executeTakeFirst();
    if (!next) return null;
    const claimed = await trx
      .updateTable("jobQueue")
      .set({ state: "running", attempts: Number(next.attempts) + 1, startedAt: now, instance })
      .where("id", "=", next.id)
      .where("state", "=", "queued")
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return null;
    return { id: Number(next.id), key: next.key, attempt: Number(next.attempts) + 1, queuedAt: next.queuedAt };
  });
}

/** A run is over (done, or given up on): its row goes. */
export async function deleteQueuedJob(db: Database, id: number): Promise<void> {
  await db.deleteFrom("jobQueue").where("id", "=", id).execute();
}

/**
 * A failed (or interrupted) run waits again, until `runAfter`. When another run of the same key was
 * queued meanwhile, that one will do the work and this row goes. Says whether it was queued again.
 */
export async function requeueJob(db: Database, { id, runAfter }: { id: number; runAfter: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("jobQueue").select(["job", "key"]).where("id", "=", id).executeTakeFirst();
    if (!row) return false;
    const waiting = await trx
      .selectFrom("jobQueue")
      .select("id")
      .where("job", "=", row.job)
      .where("key", "=", row.key)
      .where("state", "=", "queued")
      .executeTakeFirst();
    if (waiting) {
      await trx.deleteFrom("jobQueue").where("id", "=", id).execute();
      return false;
    }
    await trx
      .updateTable("jobQueue")
      .set({ state: "queued", runAfter, startedAt: null, instance: null })
      .where("id", "=", id)
      .execute();
    return true;
  });
}

/**
 * The single-instance scheduler starting: runs of `job` still marked running were the previous
 * process's, which ended mid-run. They wait again (their attempt counted), due at once.
 */
export async function requeueInterruptedJobs(db: Database, { job, at }: { job: string; at: string }): Promise<number> {
  const running = await db
    .selectFrom("jobQueue")
    .select("id")
    .where("job", "=", job)
    .where("state", "=", "running")
    .execute();
  for (const { id } of running) await requeueJob(db, { id: Number(id), runAfter: at });
  return running.length;
}

/**
 * Runs of `job` waiting to start (queued, or waiting for a retry's backoff), and since when the oldest
 * of those already due has been due (null when none is): job_queue on SQLite, pg-boss's own job table
 * (schema `pgboss`, as pg-boss 10 lays it out) on PostgreSQL, read rather than asked of a pg-boss
 * instance, which a page view should not start.
 */
export async function countWaitingJobs(
  db: Database,
  { job, now }: { job: string; now: string },
): Promise<{ waiting: number; oldestDueAt: string | null }> {
  if (dialectOf(db) === "postgres") {
    const { rows: made } = await sql<{ table: string | null }>`select to_regclass('pgboss.job')::text as table`.execute(
      db,
    );
    // No pg-boss has started on this database yet: nothing was ever queued.
    if (!made[0]?.table) return { waiting: 0, oldestDueAt: null };
    const { rows } = await sql<{ waiting: number | string; oldestDueAt: string | null }>`
      select count(*) as waiting,
        to_char(min(start_after) filter (where start_after <= ${now}::timestamptz) at time zone 'UTC',
          'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "oldestDueAt"
      from pgboss.job where name = ${job} and state in ('created', 'retry')`.execute(db.withoutPlugins());
    return { waiting: Number(rows[0]?.waiting ?? 0), oldestDueAt: rows[0]?.oldestDueAt ?? null };
  }
  const row = await db
    .selectFrom("jobQueue")
    .select((eb) => [
      eb.fn.countAll<number>().as("waiting"),
      eb.fn.min(eb.case().when("runAfter", "<=", now).then(eb.ref("runAfter")).end()).as("oldestDueAt"),
    ])
    .where("job", "=", job)
    .where("state", "=", "queued")
    .executeTakeFirstOrThrow();
  return { waiting: Number(row.waiting), oldestDueAt: row.oldestDueAt ?? null };
}

/**
 * pg-boss's `db` option: its statements run on `trx`, so the job it inserts is committed (or rolled
 * back) with the transaction that recorded the webhook delivery. Kysely's plugins are left out: the
 * statements and their rows are pg-boss's own.
 */
export function statementsOn(trx: Executor): {
  executeSql: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>;
} {
  const plain = trx.withoutPlugins();
  return {
    executeSql: async (text, values) => {
      const result = await plain.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: [...result.rows] };
    },
  };
}
