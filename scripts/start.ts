// `npm start`: build if needed, prepare the database (migrate, reclassify, demo data when empty), start the
// scheduled jobs, serve.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import net from "node:net";
import { loadConfig } from "../app/config.server";
import { buildIfStale } from "./build-if-stale";
import { runCli, UsageError } from "./cli";
import { prepareToServe, readServeSettings } from "./prepare-to-serve";

/** Binds the port for a moment, so a busy port stops `npm start` before it migrates or seeds anything. */
function checkPortIsFree(port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE" || error.code === "EACCES"
          ? new UsageError(
              `Port ${port} is ${error.code === "EACCES" ? "not allowed for this user" : "in use"}; set PORT=… to another port, e.g. PORT=${port + 1} npm start.`,
            )
          : error,
      ),
    );
    probe.listen({ port, host }, () => probe.close(() => resolve()));
  });
}

runCli(async () => {
  const port = process.env.PORT?.trim() || "3000";
  if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError(`PORT=${port} is not a port number.`);
  await checkPortIsFree(Number(port), process.env.HOST?.trim() || undefined);
  const config = loadConfig(); // fail fast, before building, on a bad configuration file
  const settings = readServeSettings();
  if (buildIfStale()) console.log("Built the app.");
  const { file, stop } = await prepareToServe(config, settings);
  const serve = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  const server = spawn(process.execPath, [serve, "build/index.js"], {
    stdio: ["inherit", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production", PORT: port },
  });
  let announced = false;
  server.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && chunk.toString().includes("[remix-serve]")) {
      announced = true;
      console.log(`Steward is running at http://localhost:${port} (database ${file})`);
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => {
    // The scheduler lets a sync under way stop at its next batch, then the process ends.
    void stop().finally(() => process.exit(code ?? 0));
  });
});
