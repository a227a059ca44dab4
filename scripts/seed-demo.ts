// `npm run seed:demo [-- --force]`: writes the demo data set (into an empty database, or replacing all with --force).
import { parseArgs } from "node:util";
import { loadConfig } from "../app/config.server";
import { seedDemo } from "../app/demo/seed.server";
import { deleteStoredData, hasContributions } from "../app/models/database-contents.server";
import { todayUtc } from "../app/stewardship/metrics";
import { migrateToLatest } from "../db/database";
import { openConfiguredDatabase, runCli, UsageError } from "./cli";

runCli(async () => {
  const { values } = parseArgs({ options: { force: { type: "boolean", default: false } } });
  const config = loadConfig();
  const { db, file } = openConfiguredDatabase();
  try {
    await migrateToLatest(db);
    if ((await hasContributions(db)) && !values.force) {
      throw new UsageError(
        `${file} already holds contributions. Use --force to replace everything in it with the demo.`,
      );
    }
    if (values.force) await deleteStoredData(db);
    const started = Date.now();
    const result = await seedDemo(db, { config, anchorDate: todayUtc() });
    console.log(
      `Seeded ${result.contributions} demo contributions and ${result.starterTasks} starter tasks into ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.destroy();
  }
});
