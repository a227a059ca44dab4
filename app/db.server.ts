import { databaseFileFromUrl, migrateToLatest, openDatabase, type Database } from "../db/database";

// One database per process. Kept on globalThis only in development, where `remix dev` re-imports
// this module on every rebuild and would otherwise leak a connection each time.
declare global {
  var __stewardDb: Promise<Database> | undefined;
}

async function open(): Promise<Database> {
  const db = openDatabase(databaseFileFromUrl(process.env.DATABASE_URL));
  await migrateToLatest(db);
  return db;
}

let database: Promise<Database> | undefined;

export function getDb(): Promise<Database> {
  if (process.env.NODE_ENV === "production") {
    database ??= open();
    return database;
  }
  globalThis.__stewardDb ??= open();
  return globalThis.__stewardDb;
}
