import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from "kysely";

// The few spellings a migration needs that differ between SQLite and PostgreSQL. Migrations run the
// same on both; only these column definitions branch by dialect.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** An integer id the database numbers: `integer primary key autoincrement` / an identity column. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const generatedId = (db: Kysely<any>) =>
  isPostgres(db)
    ? (c: ColumnDefinitionBuilder) => c.primaryKey().generatedByDefaultAsIdentity()
    : (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement();

/** A double: SQLite's `real` is 8 bytes, PostgreSQL's only 4. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const double = (db: Kysely<any>) => (isPostgres(db) ? "double precision" : "real");

/** The current UTC time as ISO text (`2026-03-17T10:04:00Z`), for a column default. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const nowIsoText = (db: Kysely<any>) =>
  isPostgres(db)
    ? sql`(to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))`
    : sql`(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))`;
