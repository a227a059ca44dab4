import { migrateToLatest, type Database } from "../../db/database";
import { deleteStoredData, holdsDemoData } from "../models/database-contents.server";

/** Writing real data into a database that holds the demo data set; the message says how to go on. */
export class DemoDataError extends Error {
  override name = "DemoDataError";
}

/** Why an import or a sync refuses a demo database, and the two ways forward. */
export function demoRefusal(database: string, action: "import" | "sync"): string {
  const verb = action === "import" ? "Import" : "Sync";
  return (
    `${database} holds the demo data set, and demo and real data must never mix. ` +
    `${verb} into a new file with DATABASE_URL=data/cpython.sqlite, or pass --replace-demo to delete the demo first.`
  );
}

/**
 * Keeps the demo data set and real data apart before an import or a sync writes anything: a database
 * holding the demo is refused, or emptied when `replaceDemo` asks for it. A database of real data is
 * never emptied, whatever `replaceDemo` says. Says whether the demo was deleted.
 */
export async function keepDemoApart(
  db: Database,
  { replaceDemo = false, action }: { replaceDemo?: boolean; action: "import" | "sync" },
): Promise<boolean> {
  if (!(await holdsDemoData(db))) return false;
  if (!replaceDemo) throw new DemoDataError(demoRefusal("This database", action));
  await deleteStoredData(db);
  return true;
}

/**
 * The CLIs' first step: a database holding the demo is refused before anything else writes to it (the
 * reclassifying and identity passes that prepare a database store their own markers), unless
 * `replaceDemo` will delete the demo once the import's or sync's own checks pass.
 */
export async function refuseDemoDatabase(
  db: Database,
  { replaceDemo, action }: { replaceDemo: boolean; action: "import" | "sync" },
): Promise<void> {
  await migrateToLatest(db);
  if (!replaceDemo && (await holdsDemoData(db))) throw new DemoDataError(demoRefusal("This database", action));
}
