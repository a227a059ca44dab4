import type { Database } from "../../db/database";
import type { CompiledConfig } from "../stewardship/config";
import { describeInterval, nextTickAfter } from "../stewardship/schedule";
import { githubSyncJob, readSyncSchedule, scheduledSyncClient } from "./github-sync-job.server";
import { PgBossScheduler } from "./pg-boss-scheduler.server";
import { isPostgresUrl, type Scheduler } from "./scheduler.server";
import { TimerScheduler } from "./timer-scheduler.server";

/**
 * The scheduler for the app's database: pg-boss on PostgreSQL (`DATABASE_URL=postgres://…`), where
 * several app instances may share the work; the in-process timer on SQLite, which one instance serves.
 */
export function createScheduler({
  databaseUrl,
  db,
  onEvent,
}: {
  databaseUrl: string | undefined;
  db: Database;
  onEvent: (message: string) => void;
}): Scheduler {
  return isPostgresUrl(databaseUrl)
    ? new PgBossScheduler({ connectionString: databaseUrl.trim(), db, onEvent })
    : new TimerScheduler(db, { onEvent });
}

/**
 * Starts the jobs the environment asks for (SYNC_EVERY: the GitHub sync) on `db`, the app's database.
 * Null when nothing is scheduled. Throws ScheduleSettingError on a setting that cannot work.
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
  if (!schedule) return null;
  const scheduler = createScheduler({ databaseUrl: env.DATABASE_URL, db, onEvent: log });
  const github = scheduledSyncClient(schedule, log);
  await scheduler.start([githubSyncJob({ db, config, github, everyMs: schedule.everyMs })]);
  const next = new Date(nextTickAfter(Date.now(), schedule.everyMs)).toISOString();
  return {
    scheduler,
    summary:
      `Scheduled the GitHub sync of ${config.config.project.repository} ${describeInterval(schedule.everyMs)} ` +
      `(SYNC_EVERY=${schedule.every}; next at ${next.replace("T", " ").replace(/\.\d+Z$/, " UTC")}) ` +
      `with ${scheduler.kind === "pg-boss" ? "pg-boss" : "the in-process timer"}.`,
  };
}
