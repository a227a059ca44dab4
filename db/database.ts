import fs from "node:fs";
import path from "node:path";
import {
  CamelCasePlugin,
  Kysely,
  Migrator,
  PostgresAdapter,
  type Migration,
  type MigrationProvider,
  type Transaction,
} from "kysely";
import * as initial from "./migrations/0001_initial";
import * as reviews from "./migrations/0002_reviews";
import * as webhookDeliveries from "./migrations/0003_webhook_deliveries";
import * as reviewDates from "./migrations/0004_review_dates";
import * as claimDates from "./migrations/0005_claim_dates";
import * as claimKind from "./migrations/0006_claim_kind";
import * as identitySightings from "./migrations/0007_identity_sightings";
import * as sessions from "./migrations/0008_sessions";
import * as auditPeople from "./migrations/0009_audit_people";
import * as stageCorrections from "./migrations/0010_stage_corrections";
import * as identityCorrections from "./migrations/0011_identity_corrections";
import * as goalsAndPlanTasks from "./migrations/0012_goals_and_plan_tasks";
import * as pullRequestDates from "./migrations/0013_pull_request_dates";
import * as knowledge from "./migrations/0014_knowledge";
import * as dataVersion from "./migrations/0015_data_version";
import * as jobRuns from "./migrations/0016_job_runs";
import * as scaleIndexes from "./migrations/0017_scale_indexes";
import * as jobQueue from "./migrations/0018_job_queue";
import * as coldReportIndexes from "./migrations/0019_cold_report_indexes";
import * as fileEventIndex from "./migrations/0020_file_event_index";
import * as jobRunsGivenUp from "./migrations/0021_job_runs_given_up";
import * as contributionTimeId from "./migrations/0022_contribution_time_id";
import { isPostgresUrl, openPostgres, watchEveryTable, type PostgresOptions } from "./postgres";
import type { DB } from "./schema";
import { DatabaseFileError, Sqlite3Dialect, type Sqlite3DialectConfig } from "./sqlite-dialect";

export { DatabaseFileError, QueryTimeoutError } from "./sqlite-dialect";
export { isPostgresUrl, shownUrl } from "./postgres";

export type Database = Kysely<DB>;

/** The database or a transaction on it: what a model function that may run inside a transaction takes. */
export type Executor = Database | Transaction<DB>;

/** Where the embedded database lives unless `DATABASE_URL` says otherwise. */
export const defaultDatabaseFile = "data/steward.sqlite";

// Migrations are listed in code, not discovered on disk, so the Remix server bundle and the tsx
// scripts run exactly the same set.
export const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_reviews": reviews,
  "0003_webhook_deliveries": webhookDeliveries,
  "0004_review_dates": reviewDates,
  "0005_claim_dates": claimDates,
  "0006_claim_kind": claimKind,
  "0007_identity_sightings": identitySightings,
  "0008_sessions": sessions,
  "0009_audit_people": auditPeople,
  "0010_stage_corrections": stageCorrections,
  "0011_identity_corrections": identityCorrections,
  "0012_goals_and_plan_tasks": goalsAndPlanTasks,
  "0013_pull_request_dates": pullRequestDates,
  "0014_knowledge": knowledge,
  "0015_data_version": dataVersion,
  "0016_job_runs": jobRuns,
  "0017_scale_indexes": scaleIndexes,
  "0018_job_queue": jobQueue,
  "0019_cold_report_indexes": coldReportIndexes,
  "0020_file_event_index": fileEventIndex,
  "0021_job_runs_given_up": jobRunsGivenUp,
  "0022_contribution_time_id": contributionTimeId,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Turns `DATABASE_URL` into a file path. Accepts a plain path, `file:path` or `sqlite:path`, and
 * `:memory:`; anything else (a postgres:// URL, say) is refused with a message saying what works.
 */
export function databaseFileFromUrl(url: string | undefined): string {
  const value = url?.trim() || defaultDatabaseFile;
  if (value === ":memory:") return value;
  const match = /^(?:(file|sqlite):(?:\/\/)?)?(.+)$/.exec(value);
  if (!match?.[2] || (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !match[1])) {
    throw new DatabaseFileError(
      value,
      `DATABASE_URL=${value} is not a SQLite file. Use a path such as data/steward.sqlite or file:data/steward.sqlite.`,
    );
  }
  return match[2];
}

/** A path as a person typed it: relative to the working folder when it lies inside it. */
function shown(target: string): string {
  const relative = path.relative(process.cwd(), target);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : target;
}

const errorCode = (error: unknown) => (error instanceof Error && "code" in error ? error.code : undefined);

/**
 * Checks, before SQLite creates anything, that `file` can be Steward's database: its folder exists
 * (only the quick start's default `data/` folder is created; a typo in DATABASE_URL must not quietly
 * make folders and a new, empty database), no part of the path is a file, and what exists is writable.
 */
export function checkDatabasePath(file: string, { readOnly = false }: { readOnly?: boolean } = {}): void {
  if (file === ":memory:") return;
  const absolute = path.resolve(file);
  const folder = path.dirname(absolute);
  if (folder === path.dirname(path.resolve(defaultDatabaseFile)) && !fs.existsSync(folder)) fs.mkdirSync(folder);
  let existing = folder;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) {
    throw new DatabaseFileError(
      file,
      `Cannot use ${file} as the database: ${shown(existing)} is a file, not a folder. Fix DATABASE_URL.`,
    );
  }
  if (existing !== folder) {
    throw new DatabaseFileError(
      file,
      `Cannot use ${file} as the database: the folder ${shown(folder)} does not exist; create it or fix DATABASE_URL.`,
    );
  }
  const stat = fs.statSync(absolute, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    throw new DatabaseFileError(file, `Cannot use ${file} as the database: it is a folder. Fix DATABASE_URL.`);
  }
  if (readOnly) return;
  for (const [target, what] of [
    [stat ? absolute : undefined, "the file"],
    [folder, "its folder (SQLite keeps a -wal file beside it)"],
  ] as const) {
    if (!target) continue;
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (error) {
      throw new DatabaseFileError(
        file,
        `The database ${file} is read-only: Steward cannot write to ${what} (${errorCode(error) ?? "no access"}). Check the permissions.`,
      );
    }
  }
}

// migrateToLatest locks next to the file a database was opened on.
const files = new WeakMap<Database, string>();

export type OpenOptions = Pick<Sqlite3DialectConfig, "readOnly" | "connections" | "queryTimeoutMs" | "translateError">;

/**
 * Opens `file` (checked first, see checkDatabasePath). By default one read-write connection; the app
 * also opens a pool of read-only ones beside it (`readOnly`, `connections`) with a time limit per query.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database {
  checkDatabasePath(file, options);
  const db = new Kysely<DB>({
    dialect: new Sqlite3Dialect({ filename: file, busyTimeoutMs: 10_000, ...options }),
    plugins: [new CamelCasePlugin()],
  });
  files.set(db, file);
  return db;
}

/** Which database `db` (or a transaction on it) talks to: the models pick their SQL spellings by it. */
export function dialectOf(db: Kysely<unknown> | Kysely<DB> | Transaction<DB>): "sqlite" | "postgres" {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

export type UrlOpenOptions = OpenOptions & Pick<PostgresOptions, "connections">;

/**
 * Opens what `DATABASE_URL` names: a PostgreSQL pool for `postgres://…` or `postgresql://…`, else the
 * SQLite file (see databaseFileFromUrl). `readOnly` on PostgreSQL makes every transaction read-only.
 */
export function openDatabaseUrl(url: string | undefined, options: UrlOpenOptions = {}): Database {
  if (isPostgresUrl(url)) {
    return openPostgres(url.trim(), {
      connections: options.connections,
      readOnly: options.readOnly,
      queryTimeoutMs: options.queryTimeoutMs,
      translateError: options.translateError,
    });
  }
  return openDatabase(databaseFileFromUrl(url), options);
}

/**
 * Applies pending migrations. Kysely's migration lock is per process for SQLite, so two processes
 * starting on a fresh file would both create the tables; a lock file beside the database makes the
 * second wait until the first is done, and then find nothing to do.
 */
export async function migrateToLatest(db: Database): Promise<string[]> {
  const file = files.get(db);
  const migrate = async () => {
    const migrator = new Migrator({ db, provider });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error; // as thrown: the app may have turned it into its 503 answer
    if (dialectOf(db) === "postgres") await watchEveryTable(db);
    return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  };
  // On PostgreSQL, Kysely's Migrator holds an advisory lock: instances starting together take turns.
  return file && file !== ":memory:" ? withMigrationLock(file, migrate) : migrate();
}

const staleEmptyLockMs = 10_000;
const lockWaitMs = 10 * 60_000;

function lockHolderIsGone(lock: string): boolean {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(lock, "utf8").trim();
    mtimeMs = fs.statSync(lock).mtimeMs;
  } catch {
    return false; // released meanwhile: try again
  }
  const pid = Number(text);
  // Empty: the holder is between creating the file and writing its pid, or died right there.
  if (!text || !Number.isInteger(pid)) return Date.now() - mtimeMs > staleEmptyLockMs;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return errorCode(error) === "ESRCH";
  }
}

/**
 * Runs `work` holding `<file>.migrating`, created with O_EXCL and holding this process's pid. A lock
 * left by a process that died is taken over. (Two processes taking over the same stale lock at the
 * same instant could both proceed; that needs a crash during a migration first.)
 */
async function withMigrationLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.migrating`;
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    try {
      const fd = fs.openSync(lock, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (error) {
      if (errorCode(error) !== "EEXIST") {
        throw new DatabaseFileError(
          file,
          `Cannot create the migration lock ${lock} (${errorCode(error) ?? String(error)}): the database's folder must be writable.`,
        );
      }
      if (lockHolderIsGone(lock)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new DatabaseFileError(
          file,
          `Another process has been migrating ${file} for ${lockWaitMs / 60_000} minutes (${lock}). If none is running, delete that file.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
