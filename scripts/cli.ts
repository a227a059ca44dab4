import {
  DatabaseFileError,
  databaseFileFromUrl,
  isPostgresUrl,
  openDatabase,
  openDatabaseUrl,
  shownUrl,
  type Database,
} from "../db/database";
import { ConfigError } from "../app/stewardship/config";

/**
 * Opens the database named by DATABASE_URL (default data/steward.sqlite; a postgres:// URL for
 * PostgreSQL). `file` names it in messages: the path, or the URL without its password.
 */
export function openConfiguredDatabase(): { db: Database; file: string } {
  const url = process.env.DATABASE_URL;
  if (isPostgresUrl(url)) return { db: openDatabaseUrl(url), file: shownUrl(url.trim()) };
  const file = databaseFileFromUrl(url);
  return { db: openDatabase(file), file };
}

/**
 * Runs a CLI's main function: expected failures (bad input, a bad configuration, an unusable database
 * file) print their message alone and exit 1; anything else prints its stack, so bugs are not mistaken
 * for user errors.
 */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof DatabaseFileError) {
      console.error(`steward: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  });
}

/** An error in what the user asked for; its message says what to fix. */
export class UsageError extends Error {
  override name = "UsageError";
}
