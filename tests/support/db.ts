import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest, openDatabase, type Database } from "../../db/database";
import { loadConfig } from "../../app/config.server";
import type { CompiledConfig } from "../../app/stewardship/config";

export interface TestDatabase {
  db: Database;
  file: string;
  dir: string;
  close: () => Promise<void>;
}

/** A fresh, migrated SQLite file in a temporary folder: the real database, never a mock. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-test-"));
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

/** The repository's own default configuration: the CPython JIT. */
export function defaultConfig(): CompiledConfig {
  return loadConfig(path.resolve(import.meta.dirname, "../../steward.config.json"));
}
