import { Mutex } from "async-mutex";
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
 * Kysely's SQLite adapter, introspector and query compiler and only supplies the connection.
 */
export interface Sqlite3DialectConfig {
  /** Path of the database file, or ":memory:". */
  filename: string;
  /** Milliseconds SQLite waits on a lock held by another process before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
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
 * One connection serves one transaction at a time, so every acquire waits on a mutex, exactly as
 * Kysely's own SqliteDriver does. Without it two concurrent loaders could interleave statements
 * inside each other's BEGIN ... COMMIT.
 */
class Sqlite3Driver implements Driver {
  readonly #mutex = new Mutex();
  #database?: sqlite3.Database;
  #connection?: Sqlite3Connection;

  constructor(private readonly config: Sqlite3DialectConfig) {}

  async init(): Promise<void> {
    this.#database = await openDatabase(this.config.filename);
    this.#connection = new Sqlite3Connection(this.#database);
    this.#database.configure("busyTimeout", this.config.busyTimeoutMs ?? 5000);
    if (this.config.filename !== ":memory:") {
      await this.#connection.executeQuery(CompiledQuery.raw("pragma journal_mode = wal"));
      await this.#connection.executeQuery(CompiledQuery.raw("pragma synchronous = normal"));
    }
    await this.#connection.executeQuery(CompiledQuery.raw("pragma foreign_keys = on"));
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.acquire();
    if (!this.#connection) throw new Error("The database driver was used before init() or after destroy().");
    return this.#connection;
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

  async releaseConnection(): Promise<void> {
    this.#mutex.release();
  }

  async destroy(): Promise<void> {
    const database = this.#database;
    this.#database = undefined;
    this.#connection = undefined;
    if (!database) return;
    await new Promise<void>((resolve, reject) => database.close((error) => (error ? reject(error) : resolve())));
  }
}

function openDatabase(filename: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const database: sqlite3.Database = new sqlite3.Database(filename, (error) =>
      error ? reject(new Error(`Cannot open the database file ${filename}: ${error.message}`)) : resolve(database),
    );
  });
}

// node-sqlite3 has no `reader` flag like better-sqlite3, so statements that return rows are recognised
// by their first keyword or a RETURNING clause; everything else goes through run() for changes/lastID.
const returnsRows = /^\s*(select|with|pragma|explain|values)\b|\breturning\b/i;

class Sqlite3Connection implements DatabaseConnection {
  constructor(private readonly database: sqlite3.Database) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const params = parameters.map(toSqliteValue);
    if (returnsRows.test(sql)) {
      return new Promise((resolve, reject) => {
        this.database.all(sql, params, (error: Error | null, rows: R[]) =>
          error ? reject(withSql(error, sql)) : resolve({ rows }),
        );
      });
    }
    return new Promise((resolve, reject) => {
      this.database.run(sql, params, function (this: sqlite3.RunResult, error: Error | null) {
        if (error) return reject(withSql(error, sql));
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
