// `npm start`: build if needed, prepare the database (migrate, reclassify, demo data when empty), serve.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import net from "node:net";
import { readSignInConfig } from "../app/auth.server";
import { loadConfig } from "../app/config.server";
import { DemoDataError, refuseDemoDatabase } from "../app/ingest/demo-apart.server";
import { prepareDatabase } from "../app/ingest/prepare.server";
import { readSyncSchedule, type SyncSchedule } from "../app/jobs/github-sync-job.server";
import { startScheduledJobs } from "../app/jobs/scheduled-jobs.server";
import { buildIfStale } from "./build-if-stale";
import { openConfiguredDatabase, runCli, UsageError } from "./cli";

/** Binds the port for a moment, so a busy port stops `npm start` before it migrates or seeds anything. */
function checkPortIsFree(port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE" || error.code === "EACCES"
          ? new UsageError(
              `Port ${port} is ${error.code === "EACCES" ? "not allowed for this user" : "in use"}; set PORT=… to another port, e.g. PORT=${port + 1} npm start.`,
            )
          : error,
      ),
    );
    probe.listen({ port, host }, () => probe.close(() => resolve()));
  });
}

runCli(async () => {
  const port = process.env.PORT?.trim() || "3000";
  if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError(`PORT=${port} is not a port number.`);
  await checkPortIsFree(Number(port), process.env.HOST?.trim() || undefined);
  const config = loadConfig(); // fail fast, before building, on a bad configuration file
  let schedule: SyncSchedule | null;
  try {
    readSignInConfig(); // sign-in configured without a session secret would sign cookies with nothing
    schedule = readSyncSchedule(); // SYNC_EVERY: a bad interval or a missing token stops here
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (buildIfStale()) console.log("Built the app.");
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
  const serve = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  const server = spawn(process.execPath, [serve, "build/index.js"], {
    stdio: ["inherit", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production", PORT: port },
  });
  let announced = false;
  server.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && chunk.toString().includes("[remix-serve]")) {
      announced = true;
      console.log(`Steward is running at http://localhost:${port} (database ${file})`);
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => {
    // The scheduler lets a sync under way stop at its next batch, then the process ends.
    void (async () => {
      if (scheduled) {
        await scheduled.scheduler.stop();
        await db.destroy();
      }
    })().finally(() => process.exit(code ?? 0));
  });
});
