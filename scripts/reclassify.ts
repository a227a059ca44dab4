// `npm run reclassify`: reclassifies stored contributions made under another configuration version.
import { loadConfig } from "../app/config.server";
import { prepareDatabase } from "../app/ingest/prepare.server";
import { openConfiguredDatabase, runCli } from "./cli";

runCli(async () => {
  const config = loadConfig();
  const { db, file } = openConfiguredDatabase();
  try {
    const report = await prepareDatabase(db, {
      config,
      seedWhenEmpty: false,
      onProgress: (message) => process.stdout.write(`\r${message}`),
    });
    if (report.reclassified) process.stdout.write("\n");
    console.log(`${file}: ${report.reclassified} contributions reclassified with configuration ${config.version}`);
  } finally {
    await db.destroy();
  }
});
