// `npm run db:migrate`: applies pending migrations to DATABASE_URL.
import { migrateToLatest } from "../db/database";
import { openConfiguredDatabase, runCli } from "./cli";

runCli(async () => {
  const { db, file } = openConfiguredDatabase();
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `Applied ${applied.join(", ")} to ${file}` : `${file} is up to date`);
  } finally {
    await db.destroy();
  }
});
