// `npm run dev`: prepare the database and start the scheduled jobs as `npm start` does, then `remix dev`,
// which rebuilds and restarts the web server on change (the jobs keep running in this process).
import { spawn } from "node:child_process";
import { loadConfig } from "../app/config.server";
import { runCli } from "./cli";
import { prepareToServe, readServeSettings } from "./prepare-to-serve";

runCli(async () => {
  const config = loadConfig();
  const { stop } = await prepareToServe(config, readServeSettings());
  const dev = spawn("npx", ["remix", "dev"], {
    stdio: "inherit",
    env: { ...process.env, VITE_CJS_IGNORE_WARNING: "true" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
  dev.on("exit", (code) => void stop().finally(() => process.exit(code ?? 0)));
});
