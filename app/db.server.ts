import os from "node:os";
import {
  DatabaseFileError,
  databaseFileFromUrl,
  isPostgresUrl,
  migrateToLatest,
  openDatabase,
  openDatabaseUrl,
  QueryTimeoutError,
  type Database,
} from "../db/database";
import { serviceUnavailable } from "./http.server";
import { getDataVersion as readDataVersion } from "./models/meta.server";

/**
 * The app's connections to one database. SQLite: the writer (migrations, webhooks), a pool of read-only
 * connections for pages and the API (SQLite in WAL mode lets them read beside the writer and each
 * other, so a slow page or a write holds up no one else), and a watcher that only asks the data version.
 */
interface AppDatabase {
  writer: Database;
  readers: Database;
  watcher: Database;
}

// One set per process. Kept on globalThis only in development, where `remix dev` re-imports this
// module on every rebuild and would otherwise leak connections each time.
declare global {
  var __stewardDb: Promise<AppDatabase> | undefined;
}

/** About one reader per core; two at least, so one slow page never holds up the next. */
const readerCount = () => Math.min(4, Math.max(2, os.availableParallelism()));

function queryTimeoutMs(): number {
  const value = process.env.STEWARD_QUERY_TIMEOUT_MS?.trim();
  if (!value) return 5000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1) {
    throw new Error(`STEWARD_QUERY_TIMEOUT_MS=${value} must be a whole number of milliseconds.`);
  }
  return ms;
}

/** What a loader throws for the database's errors that a person can act on: a 503 that says what happened. */
function toServiceUnavailable(error: Error): unknown {
  if (error instanceof QueryTimeoutError) {
    return serviceUnavailable(
      `This view took too long (over ${error.limitMs / 1000} s) and was stopped so others are not kept waiting; narrow the window or the filters and try again.`,
    );
  }
  if (error instanceof DatabaseFileError) return serviceUnavailable(error.message);
  return error;
}

/**
 * PostgreSQL: a writer pool (no time limit: an import's statements may be long) and a read-only pool
 * whose statements are cancelled past STEWARD_QUERY_TIMEOUT_MS; the data version is one small query, asked
 * on the read pool. Transactions keep writes apart, so no writer mutex is needed, and several app
 * instances can share the server.
 */
async function openPostgres(url: string): Promise<AppDatabase> {
  const writer = openDatabaseUrl(url, { connections: 4, translateError: toServiceUnavailable });
  try {
    await migrateToLatest(writer);
    const readers = openDatabaseUrl(url, {
      readOnly: true,
      connections: readerCount() * 2,
      queryTimeoutMs: queryTimeoutMs(),
      translateError: toServiceUnavailable,
    });
    return { writer, readers, watcher: readers };
  } catch (error) {
    await writer.destroy();
    throw error instanceof Error ? toServiceUnavailable(error) : error;
  }
}

async function open(): Promise<AppDatabase> {
  if (isPostgresUrl(process.env.DATABASE_URL)) return openPostgres(process.env.DATABASE_URL);
  let file: string;
  try {
    file = databaseFileFromUrl(process.env.DATABASE_URL);
  } catch (error) {
    throw error instanceof Error ? toServiceUnavailable(error) : error;
  }
  const writer = openDatabase(file, { translateError: toServiceUnavailable });
  try {
    await migrateToLatest(writer);
    if (file === ":memory:") return { writer, readers: writer, watcher: writer };
    const limit = queryTimeoutMs();
    return {
      writer,
      readers: openDatabase(file, {
        readOnly: true,
        connections: readerCount(),
        queryTimeoutMs: limit,
        translateError: toServiceUnavailable,
      }),
      watcher: openDatabase(file, { readOnly: true, translateError: toServiceUnavailable }),
    };
  } catch (error) {
    await writer.destroy();
    throw error instanceof Error ? toServiceUnavailable(error) : error;
  }
}

let database: Promise<AppDatabase> | undefined;

function current(): Promise<AppDatabase> {
  const production = process.env.NODE_ENV === "production";
  let opened = production ? database : globalThis.__stewardDb;
  if (!opened) {
    // A failed open is not kept: once the file is fixed, the next request opens it.
    opened = open().catch((error: unknown) => {
      if (production) database = undefined;
      else globalThis.__stewardDb = undefined;
      throw error;
    });
    if (production) database = opened;
    else globalThis.__stewardDb = opened;
  }
  return opened;
}

/** The writer: for ingest, webhooks and migrations. On SQLite one connection, so writes queue in order. */
export async function getDb(): Promise<Database> {
  return (await current()).writer;
}

/**
 * The read-only pool for page and API loaders. A query running past STEWARD_QUERY_TIMEOUT_MS
 * (default 5 s) is interrupted and the loader throws a 503.
 */
export async function getReadDb(): Promise<Database> {
  return (await current()).readers;
}

/** Changes whenever anything (this process or another) commits to the database. */
export async function getDataVersion(): Promise<number> {
  return readDataVersion((await current()).watcher);
}

/** Closes every connection; the next call opens the database DATABASE_URL names then. */
export async function closeDb(): Promise<void> {
  const opened = process.env.NODE_ENV === "production" ? database : globalThis.__stewardDb;
  database = undefined;
  globalThis.__stewardDb = undefined;
  const set = await opened?.catch(() => undefined);
  if (!set) return;
  await Promise.all([...new Set([set.writer, set.readers, set.watcher])].map((db) => db.destroy()));
}
