import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { migrateToLatest, openDatabase, openDatabaseUrl, type Database } from "../../db/database";
import { createPostgresDatabase, dropPostgresDatabase } from "../../db/postgres";
import { loadConfig } from "../../app/config.server";
import { closeDb } from "../../app/db.server";
import type { CompiledConfig } from "../../app/stewardship/config";

export interface TestDatabase {
  db: Database;
  /** The SQLite file, or on PostgreSQL the test database's URL: what DATABASE_URL gets. */
  file: string;
  /** A temporary folder for the test's other files. */
  dir: string;
  close: () => Promise<void>;
}

/**
 * The PostgreSQL server the integration tests run on instead of SQLite (scripts/with-postgres.sh sets
 * it); unset, every test runs on SQLite.
 */
export const testPostgresUrl = process.env.STEWARD_TEST_DATABASE_URL?.trim() || undefined;

/** True when this run's tests use SQLite: for the few tests about SQLite's own file, pragmas and driver. */
export const onSqlite = !testPostgresUrl;

let created = 0;

/**
 * A fresh, migrated database: a SQLite file in a temporary folder, or with STEWARD_TEST_DATABASE_URL a
 * new database on that PostgreSQL server. The real database, never a mock.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-test-"));
  if (testPostgresUrl) {
    created += 1;
    const name = `steward_test_${process.pid}_${created}_${Math.random().toString(36).slice(2, 8)}`;
    const url = await createPostgresDatabase(testPostgresUrl, name);
    const db = openDatabaseUrl(url);
    await migrateToLatest(db);
    return {
      db,
      file: url,
      dir,
      close: async () => {
        await db.destroy();
        await dropPostgresDatabase(url);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const file = path.join(dir, "steward.sqlite");
  const db = openDatabase(file);
  await migrateToLatest(db);
  return {
    db,
    file,
    dir,
    close: async () => {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestDatabaseOptions {
  /** A fresh database for every test, or one for the whole file (the default). */
  per?: "test" | "file";
  /**
   * Point `DATABASE_URL` at it, so loaders and actions (`getDb()`) use it, and close the app's own
   * connection afterwards.
   */
  asAppDatabase?: boolean;
}

/**
 * Registers the hooks that open a fresh migrated database before the file's tests (or each test) and
 * remove it after them. Returns accessors that read the current one, so tests write `test.db`.
 */
export function setUpTestDatabase({ per = "file", asAppDatabase = false }: TestDatabaseOptions = {}): TestDatabase {
  let current: TestDatabase | undefined;
  const open = async () => {
    current = await createTestDatabase();
    if (asAppDatabase) process.env.DATABASE_URL = current.file;
  };
  const close = async () => {
    if (asAppDatabase) {
      await closeDb();
    }
    await current?.close();
    current = undefined;
  };
  if (per === "test") {
    beforeEach(open);
    afterEach(close);
  } else {
    beforeAll(open);
    afterAll(close);
  }
  const opened = (): TestDatabase => {
    if (!current) throw new Error("The test database is open only inside tests and their hooks.");
    return current;
  };
  return {
    get db() {
      return opened().db;
    },
    get file() {
      return opened().file;
    },
    get dir() {
      return opened().dir;
    },
    close,
  };
}

/** The repository's own default configuration: the CPython JIT. */
export function defaultConfig(): CompiledConfig {
  return loadConfig(path.resolve(import.meta.dirname, "../../steward.config.json"));
}
