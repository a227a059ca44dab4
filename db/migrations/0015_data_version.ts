import { sql, type Kysely } from "kysely";
import { isPostgres } from "../portable";

// Migrations are frozen history: typed Kysely<any> and independent of app code.

/**
 * The report caches key their results by a data version that changes whenever anything commits. On
 * SQLite that is `PRAGMA data_version`, built in. PostgreSQL has none, so it gets a one-row counter
 * bumped by a statement trigger on every table (db/postgres.ts's watchEveryTable attaches it after
 * each migration run, so later tables get it too). The trigger fires BEFORE each writing statement,
 * so every writing transaction takes the counter's row lock before any other row lock (no deadlock
 * between two writers), and bumps it once per transaction; the new value is seen when the writes are.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create table data_version (
    id integer primary key check (id = 1),
    version bigint not null,
    last_transaction xid8
  )`.execute(db);
  await sql`insert into data_version (id, version) values (1, 1)`.execute(db);
  await sql`create function steward_bump_data_version() returns trigger language plpgsql as $$
    begin
      update data_version set version = version + 1, last_transaction = pg_current_xact_id()
        where id = 1 and last_transaction is distinct from pg_current_xact_id();
      return null;
    end
  $$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop table if exists data_version`.execute(db);
  await sql`drop function if exists steward_bump_data_version() cascade`.execute(db);
}
