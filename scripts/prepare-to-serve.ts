// What `npm start` and `npm run dev` both do before serving: read the sign-in and schedule settings,
// prepare the database (migrate, reclassify, demo data when empty) and start the scheduled jobs.
import { readSignInConfig } from "../app/auth.server";
import type { CompiledConfig } from "../app/stewardship/config";
import { DemoDataError, refuseDemoDatabase } from "../app/ingest/demo-apart.server";
import { prepareDatabase } from "../app/ingest/prepare.server";
import { readSyncSchedule, type SyncSchedule } from "../app/jobs/github-sync-job.server";
import { startScheduledJobs } from "../app/jobs/scheduled-jobs.server";
import { openConfiguredDatabase, UsageError } from "./cli";

/** The settings that can stop a start, read before anything is built or opened. */
export function readServeSettings(): { schedule: SyncSchedule | null } {
  try {
    readSignInConfig(); // sign-in configured without a session secret would sign cookies with nothing
    return { schedule: readSyncSchedule() }; // SYNC_EVERY: a bad interval or a missing token stops here
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export interface Serving {
  file: string;
  /** Lets a sync or follow-up under way stop at its next batch, then closes the database. */
  stop(): Promise<void>;
}

/**
 * Prepares the configured database and starts the scheduled jobs (the sync with SYNC_EVERY, webhook
 * follow-ups with a webhook secret and a token). The database stays open while jobs run.
 */
export async function prepareToServe(
  config: CompiledConfig,
  { schedule }: { schedule: SyncSchedule | null },
): Promise<Serving> {
  const { db, file } = openConfiguredDatabase();
  let scheduled: Awaited<ReturnType<typeof startScheduledJobs>> = null;
  try {
    if (schedule) {
      // Scheduled syncs write real data: never into the demo, and an empty database is not seeded with it.
      await refuseDemoDatabase(db, { replaceDemo: false, action: "sync" }).catch((error: unknown) => {
        throw error instanceof DemoDataError
          ? new UsageError(
              `SYNC_EVERY schedules GitHub syncs into ${file}, which holds the demo data set; demo and real data must never mix. ` +
                `Point DATABASE_URL at another database (e.g. DATABASE_URL=data/cpython.sqlite), or unset SYNC_EVERY.`,
            )
          : error;
      });
    }
    const report = await prepareDatabase(db, {
      config,
      seedWhenEmpty: !schedule,
      onProgress: (m) => process.stdout.write(`\r${m}`),
    });
    if (report.reclassified)
      console.log(`\nReclassified ${report.reclassified} contributions for the edited configuration.`);
    if (report.identities && (report.identities.merged || report.identities.split))
      console.log(
        `\nApplied the edited identity rules: ${report.identities.merged} merged, ${report.identities.split} split.`,
      );
    if (report.seededDemo) console.log(`The database ${file} was empty: seeded demo data.`);
    scheduled = await startScheduledJobs({ config, db, log: (message) => console.log(`Scheduler: ${message}`) });
    if (scheduled) console.log(scheduled.summary);
  } finally {
    if (!scheduled) await db.destroy();
  }
  const jobs = scheduled;
  return {
    file,
    stop: async () => {
      if (!jobs) return;
      await jobs.scheduler.stop();
      await db.destroy();
    },
  };
}
