import { Semaphore } from "async-mutex";
import sqlite3 from "sqlite3";
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from "kysely";

/**
 * Kysely's built-in SqliteDialect expects better-sqlite3's synchronous API. node-sqlite3 is
 * callback-based, so this is the small custom driver Kysely documents for other clients: it reuses
 * Kysely's SQLite adapter, introspector and query compiler and only supplies the connections.
 */
export interface Sqlite3DialectConfig {
  /** Path of the database file, or ":memory:". */
  filename: string;
  /** Milliseconds SQLite waits on a lock held by another process before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /**
   * Open the file read-only (SQLITE_OPEN_READONLY): connections that can never write, for a pool of
   * readers beside the one writer. The file must exist and already be in WAL mode.
   */
  readOnly?: boolean;
  /** How many connections to open (default 1). Each serves one query or transaction at a time. */
  connections?: number;
  /** A statement running longer than this is interrupted and fails with a QueryTimeoutError. */
  queryTimeoutMs?: number;
  /**
   * Turns an error of this driver (a DatabaseFileError, a QueryTimeoutError, any other) into what
   * the caller's code throws instead: the app turns the first two into a 503 answer.
   */
  translateError?: (error: Error) => unknown;
}

/** The database file cannot be used (not a database, damaged, read-only, missing); the message names it. */
export class DatabaseFileError extends Error {
  override name = "DatabaseFileError";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** A statement ran past the configured limit and was interrupted (sqlite3_interrupt). */
export class QueryTimeoutError extends Error {
  override name = "QueryTimeoutError";
  constructor(readonly limitMs: number) {
    super(`The query ran longer than ${limitMs} ms and was stopped.`);
  }
}

export class Sqlite3Dialect implements Dialect {
  constructor(private readonly config: Sqlite3DialectConfig) {}

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new Sqlite3Driver(this.config);
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
}

/**
 * A connection serves one transaction at a time, so an acquire takes a free connection or waits in
 * line (a semaphore as wide as the pool; with one connection this is the mutex Kysely's own
 * SqliteDriver uses). Without it two concurrent loaders could interleave statements inside each
 * other's BEGIN ... COMMIT. A transaction stays on the connection Kysely acquired for it.
 */
const MMAP_BYTES = 2 ** 31;

class Sqlite3Driver implements Driver {
  readonly #semaphore: Semaphore;
  #free: Sqlite3Connection[] = [];
  #databases: sqlite3.Database[] = [];

  constructor(private readonly config: Sqlite3DialectConfig) {
    this.#semaphore = new Semaphore(Math.max(1, config.connections ?? 1));
  }

  async init(): Promise<void> {
    const { filename, readOnly = false, connections = 1 } = this.config;
    try {
      for (let i = 0; i < Math.max(1, connections); i++) {
        const database = await openDatabase(filename, readOnly);
        this.#databases.push(database);
        database.configure("busyTimeout", this.config.busyTimeoutMs ?? 5000);
        const connection = new Sqlite3Connection(database, this.config);
        // journal_mode is stored in the file: the writer sets it, readers find it there.
        if (filename !== ":memory:" && !readOnly) {
          await connection.executeQuery(CompiledQuery.raw("pragma journal_mode = wal"));
          await connection.executeQuery(CompiledQuery.raw("pragma synchronous = normal"));
        }
        await connection.executeQuery(CompiledQuery.raw("pragma foreign_keys = on"));
        // Reads through a memory map rather than a read() per page: after any write SQLite empties each
        // connection's page cache, and at 1M contributions a page's first view reads tens of thousands of
        // pages (the mapped pages are the OS's file cache, shared by every connection and process).
        if (filename !== ":memory:") {
          await connection.executeQuery(CompiledQuery.raw(`pragma mmap_size = ${MMAP_BYTES}`));
        }
        this.#free.push(connection);
      }
    } catch (error) {
      await this.destroy().catch(() => undefined);
      // The pragmas' errors come already translated by the connection; opening's do not.
      throw error instanceof Error ? translate(this.config, describeError(this.config, error)) : error;
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#semaphore.acquire();
    const connection = this.#free.pop();
    if (!connection) {
      this.#semaphore.release();
      throw new Error("The database driver was used before init() or after destroy().");
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof Sqlite3Connection && this.#databases.length > 0) this.#free.push(connection);
    this.#semaphore.release();
  }

  async destroy(): Promise<void> {
    const databases = this.#databases;
    this.#databases = [];
    this.#free = [];
    await Promise.all(
      databases.map(
        (database) =>
          new Promise<void>((resolve, reject) => database.close((error) => (error ? reject(error) : resolve()))),
      ),
    );
  }
}

function openDatabase(filename: string, readOnly: boolean): Promise<sqlite3.Database> {
  const mode = readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
  return new Promise((resolve, reject) => {
    const database: sqlite3.Database = new sqlite3.Database(filename, mode, (error) =>
      error ? reject(error) : resolve(database),
    );
  });
}

type SqliteError = Error & { code?: string };

/**
 * SQLite's messages do not say which file they are about ("file is not a database"); errors about
 * the file itself are replaced by one that names it and says what to do.
 */
function describeError(config: Sqlite3DialectConfig, error: SqliteError): Error {
  const file = config.filename;
  const sqlite = error.message.replace(/^SQLITE_[A-Z_]+: /, "").replace(/ \(in: .*$/s, "");
  switch (error.code) {
    case "SQLITE_NOTADB":
      return new DatabaseFileError(
        file,
        `${file} is not a SQLite database (SQLite: ${sqlite}). Point DATABASE_URL at Steward's database, or move this file away to start a new one.`,
      );
    case "SQLITE_CORRUPT":
      return new DatabaseFileError(
        file,
        `The database ${file} is damaged (SQLite: ${sqlite}). Restore it from a backup, or move it away to start a new one.`,
      );
    case "SQLITE_READONLY":
      if (config.readOnly) return error;
      return new DatabaseFileError(
        file,
        `The database ${file} is read-only (SQLite: ${sqlite}). Steward writes to it and creates ${file}-wal beside it: check the permissions of the file and its folder.`,
      );
    case "SQLITE_CANTOPEN":
      return new DatabaseFileError(
        file,
        `Cannot open the database ${file} (SQLite: ${sqlite}). Check that DATABASE_URL names a file in an existing, writable folder.`,
      );
    case "SQLITE_FULL":
      return new DatabaseFileError(file, `The disk holding the database ${file} is full (SQLite: ${sqlite}).`);
    default:
      return error;
  }
}

function translate(config: Sqlite3DialectConfig, error: Error): unknown {
  return config.translateError ? config.translateError(error) : error;
}

// node-sqlite3 has no `reader` flag like better-sqlite3, so statements that return rows are recognised
// by their first keyword or a RETURNING clause; everything else goes through run() for changes/lastID.
const returnsRows = /^\s*(select|with|pragma|explain|values)\b|\breturning\b/i;

class Sqlite3Connection implements DatabaseConnection {
  constructor(
    private readonly database: sqlite3.Database,
    private readonly config: Sqlite3DialectConfig,
  ) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const params = parameters.map(toSqliteValue);
    const limitMs = this.config.queryTimeoutMs;
    let timedOut = false;
    // interrupt() stops whatever runs on this connection, which is only this statement: the pool
    // gives a connection to one caller at a time.
    const timer =
      limitMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            this.database.interrupt();
          }, limitMs);
    const fail = (error: SqliteError) => {
      clearTimeout(timer);
      if (timedOut && error.code === "SQLITE_INTERRUPT" && limitMs !== undefined) {
        return translate(this.config, new QueryTimeoutError(limitMs));
      }
      return translate(this.config, describeError(this.config, withSql(error, sql)));
    };
    if (returnsRows.test(sql)) {
      return new Promise((resolve, reject) => {
        this.database.all(sql, params, (error: Error | null, rows: R[]) => {
          clearTimeout(timer);
          if (error) reject(fail(error));
          else resolve({ rows });
        });
      });
    }
    return new Promise((resolve, reject) => {
      this.database.run(sql, params, function (this: sqlite3.RunResult, error: Error | null) {
        clearTimeout(timer);
        if (error) return reject(fail(error));
        resolve({
          rows: [],
          numAffectedRows: BigInt(this.changes),
          insertId: BigInt(this.lastID),
        });
      });
    });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // node-sqlite3's each() cannot be paused, so streaming would buffer anyway; return one chunk.
    yield await this.executeQuery<R>(compiledQuery);
  }
}

function toSqliteValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return Number(value);
  return value;
}

function withSql(error: Error, sql: string): Error {
  error.message = `${error.message} (in: ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql})`;
  return error;
}
