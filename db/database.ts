import fs from "node:fs";
import path from "node:path";
import { CamelCasePlugin, Kysely, Migrator, type Migration, type MigrationProvider, type Transaction } from "kysely";
import * as initial from "./migrations/0001_initial";
import * as reviews from "./migrations/0002_reviews";
import * as webhookDeliveries from "./migrations/0003_webhook_deliveries";
import * as reviewDates from "./migrations/0004_review_dates";
import * as claimDates from "./migrations/0005_claim_dates";
import * as claimKind from "./migrations/0006_claim_kind";
import * as identitySightings from "./migrations/0007_identity_sightings";
import type { DB } from "./schema";
import { Sqlite3Dialect } from "./sqlite-dialect";

export type Database = Kysely<DB>;

/** The database or a transaction on it: what a model function that may run inside a transaction takes. */
export type Executor = Database | Transaction<DB>;

/** Where the embedded database lives unless `DATABASE_URL` says otherwise. */
export const defaultDatabaseFile = "data/steward.sqlite";

// Migrations are listed in code, not discovered on disk, so the Remix server bundle and the tsx
// scripts run exactly the same set.
const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_reviews": reviews,
  "0003_webhook_deliveries": webhookDeliveries,
  "0004_review_dates": reviewDates,
  "0005_claim_dates": claimDates,
  "0006_claim_kind": claimKind,
  "0007_identity_sightings": identitySightings,
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
    throw new Error(
      `DATABASE_URL=${value} is not a SQLite file. Use a path such as data/steward.sqlite or file:data/steward.sqlite.`,
    );
  }
  return match[2];
}

export function openDatabase(file: string): Database {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return new Kysely<DB>({
    dialect: new Sqlite3Dialect({ filename: file, busyTimeoutMs: 10_000 }),
    plugins: [new CamelCasePlugin()],
  });
}

export async function migrateToLatest(db: Database): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
