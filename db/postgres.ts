import pg from "pg";
import { CamelCasePlugin, Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from "kysely";
import type { DB } from "./schema";
import { DatabaseFileError, QueryTimeoutError } from "./sqlite-dialect";

/** `postgres://…` or `postgresql://…`: DATABASE_URL names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(url: string | undefined): url is string {
  return /^postgres(?:ql)?:\/\//i.test(url?.trim() ?? "");
}

/** The URL without its password, for messages. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "the PostgreSQL URL in DATABASE_URL";
  }
}

// pg returns bigint (count(*), sum of integers) and numeric as strings, to keep their precision.
// Steward's counts and sums fit a double easily, and SQLite gives numbers: parse them the same.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** How many connections the pool opens at most. */
  connections?: number;
  /** Every transaction read-only (default_transaction_read_only): a pool that can never write. */
  readOnly?: boolean;
  /** A statement running longer than this is cancelled (statement_timeout) and fails with a QueryTimeoutError. */
  queryTimeoutMs?: number;
  /** As Sqlite3DialectConfig's: turns this driver's errors into what the caller's code throws instead. */
  translateError?: (error: Error) => unknown;
}

type PgError = Error & { code?: string };

/** PostgreSQL's errors a person can act on, in the words the SQLite driver uses for its own. */
function describeError(url: string, options: PostgresOptions, error: PgError): Error {
  const where = shownUrl(url);
  if (error.code === "57014" && options.queryTimeoutMs !== undefined)
    return new QueryTimeoutError(options.queryTimeoutMs);
  if (error.code === "ECONNREFUSED" || error.code === "ENOTFOUND" || error.code === "EAI_AGAIN") {
    return new DatabaseFileError(
      where,
      `Cannot reach the PostgreSQL server of ${where} (${error.code}). Is it running?`,
    );
  }
  if (error.code === "3D000" || error.code === "28P01" || error.code === "28000") {
    return new DatabaseFileError(where, `PostgreSQL refused ${where}: ${error.message}. Check DATABASE_URL.`);
  }
  return error;
}

/**
 * A pg Pool whose clients pass their errors through describeError and translateError, so a page
 * gets the same 503 on either database for a query that ran too long or a server that is away.
 */
function translatingPool(pool: pg.Pool, url: string, options: PostgresOptions): PostgresPool {
  const translate = (error: unknown): unknown => {
    if (!(error instanceof Error)) return error;
    const described = describeError(url, options, error);
    return options.translateError ? options.translateError(described) : described;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw translate(error);
      }
      return {
        query: ((...args: Parameters<pg.PoolClient["query"]>) =>
          (client.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
            throw translate(error);
          })) as PostgresPoolClient["query"],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * Opens a pool on the PostgreSQL database `url` names (connections are made on first use).
 *
 * Its sessions run without JIT compilation (`jit=off`): at 1M contributions a page's larger queries
 * cost enough for PostgreSQL to compile them, and compiling took 50–220 ms of queries that run in a
 * few hundred (npm run bench -- scale); Steward's queries are short, so it never pays back.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): Kysely<DB> {
  const settings = ["-c jit=off", ...(options.readOnly ? ["-c default_transaction_read_only=on"] : [])];
  const pool = new pg.Pool({
    connectionString: url,
    max: options.connections ?? 4,
    types,
    ...(options.queryTimeoutMs === undefined ? {} : { statement_timeout: options.queryTimeoutMs }),
    options: settings.join(" "),
  });
  // An idle client whose server went away emits 'error' on the pool; without a listener it would
  // crash the process. The next query gets a fresh connection.
  pool.on("error", () => undefined);
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: translatingPool(pool, url, options) }),
    plugins: [new CamelCasePlugin()],
  });
}

/**
 * Attaches the data-version trigger (migration 0015) to every table of the current schema that lacks
 * it, so a table a later migration adds is watched too. Runs after each migration run, holding an
 * advisory lock so two instances starting together do not attach it twice.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function watchEveryTable(db: Kysely<any>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('steward.data_version'))`.execute(trx);
    const { rows } = await sql<{ table: string }>`
      select c.relname as table from pg_class c
      where c.relkind in ('r', 'p') and c.relnamespace = current_schema()::regnamespace
        and c.relname not in ('data_version', 'kysely_migration', 'kysely_migration_lock')
        and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'steward_data_version')
    `.execute(trx);
    for (const { table } of rows) {
      await sql`create trigger steward_data_version before insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function steward_bump_data_version()`.execute(trx);
    }
  });
}

/**
 * Creates a new, empty database `name` on the server `serverUrl` points at (any database there, e.g.
 * `postgres`) and returns its URL: the tests make one per test file.
 */
export async function createPostgresDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the database `url` names, closing whatever connections are still open on it. */
export async function dropPostgresDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = "/postgres";
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}

/**
 * The URL of database `name` on the server `serverUrl` points at, created (from template0, locale C,
 * as the README's set-up) when it is not there yet. The bench keeps its 1M data set in one of its own.
 */
export async function ensurePostgresDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      await client.query(`create database ${pg.escapeIdentifier(name)} template template0 encoding 'UTF8' locale 'C'`);
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The size of the connected database on disk, tables, indexes and TOAST included (`pg_database_size`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function postgresDatabaseBytes(db: Kysely<any>): Promise<number> {
  const { rows } = await sql<{ bytes: number }>`select pg_database_size(current_database()) as bytes`.execute(db);
  return Number(rows[0]?.bytes);
}

/**
 * The process id of the server process answering this connection; its parent is the postmaster, whose
 * children are every server process (the bench adds up their CPU time from /proc).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function postgresBackendPid(db: Kysely<any>): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  return Number(rows[0]?.pid);
}

/**
 * VACUUM ANALYZE of the whole database: after a bulk load, what autovacuum does within minutes (fresh
 * planner statistics, the visibility map that lets index-only scans skip the table), done at once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function vacuumAnalyze(db: Kysely<any>): Promise<void> {
  await sql`vacuum (analyze)`.execute(db);
}
