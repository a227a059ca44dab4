// One app instance's scheduler, as its own process, for the pg-boss tests: the real PgBossScheduler
// with a job that records its attempts to a file (one JSON line per start and end), so a test can run
// two instances on one PostgreSQL and kill one mid-job. Settings come from the environment.
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { openDatabaseUrl } from "../../db/database";
import { PgBossScheduler } from "../../app/jobs/pg-boss-scheduler.server";

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const instance = `instance-${process.pid}`;
const record = (event: string, fields: object) =>
  fs.appendFileSync(env("RECORD_FILE"), `${JSON.stringify({ instance, event, at: Date.now(), ...fields })}\n`);

// The test's database: a SQLite file, or on the PostgreSQL run a database on STEWARD_TEST_DATABASE_URL's server.
const db = openDatabaseUrl(env("JOB_DATABASE"));
const scheduler = new PgBossScheduler({
  connectionString: env("PG_URL"),
  db,
  instance,
  onEvent: (message) => console.log(message),
  tuning: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 },
});

await scheduler.start([
  {
    name: env("JOB_NAME"),
    everyMs: Number(env("EVERY_MS")),
    retry: { limit: Number(env("RETRY_LIMIT")), delayMs: 1000 },
    timeoutMs: Number(env("TIMEOUT_MS")),
    run: async ({ attempt, scheduledFor, signal }) => {
      record("start", { scheduledFor, attempt });
      // RETRY_WORK_MS: a retry's work, when it should be shorter than a first attempt's (WORK_MS).
      const work = attempt > 1 && process.env.RETRY_WORK_MS ? process.env.RETRY_WORK_MS : env("WORK_MS");
      await sleep(Number(work), undefined, { signal });
      if (process.env.FAIL === "1") {
        record("fail", { scheduledFor, attempt });
        throw new Error("the test job fails on purpose");
      }
      record("end", { scheduledFor, attempt });
    },
  },
]);
console.log(`ready ${instance}`);

process.on("SIGTERM", () => {
  void scheduler
    .stop()
    .then(() => db.destroy())
    .finally(() => process.exit(0));
});
