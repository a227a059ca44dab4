// `npm run dev`: prepare the database, then `remix dev`, which rebuilds and restarts on change.
import { spawn } from "node:child_process";
import { loadConfig } from "../app/config.server";
import { prepareDatabase } from "../app/ingest/prepare.server";
import { openConfiguredDatabase, runCli } from "./cli";

runCli(async () => {
  const config = loadConfig();
  const { db } = openConfiguredDatabase();
  try {
    await prepareDatabase(db, { config });
  } finally {
    await db.destroy();
  }
  const dev = spawn("npx", ["remix", "dev"], {
    stdio: "inherit",
    env: { ...process.env, VITE_CJS_IGNORE_WARNING: "true" },
  });
  dev.on("exit", (code) => process.exit(code ?? 0));
});
