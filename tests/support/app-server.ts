import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { migrateToLatest, openDatabase } from "../../db/database";
import { loadConfig } from "../../app/config.server";
import { prepareDatabase } from "../../app/ingest/prepare.server";
import { insertContributions } from "../../app/models/contribution.server";
import { PeopleResolver } from "../../app/models/person.server";
import { addDays, todayUtc } from "../../app/stewardship/metrics";
import { buildIfStale } from "../../scripts/build-if-stale";
import { freePort, waitForHttp } from "./waiting";

const root = path.resolve(import.meta.dirname, "../..");

/** Contributor-written text that must reach the page as text, never as markup. */
export const hostile = {
  title: `<img src=x onerror="window.__xss=1"> Fix <b>everything</b>`,
  name: `<script>window.__xss=2</script>Mallory`,
};

export interface ServedBuild {
  baseUrl: string;
  child: ChildProcess;
  /** SIGTERM, and waits for the server to end. */
  stop: () => Promise<void>;
}

/**
 * remix-serve of the production build on a free loopback port with `env` added to this process's, once
 * it listens: its own "[remix-serve] http://…" line says so, so a test never talks to another process
 * that happens to hold the port. A port taken between being picked and being bound (EADDRINUSE) is
 * picked again. `forwardErrors`: the server's stderr goes to the test's output (else it is kept for the
 * error a failed start throws).
 */
export async function serveBuild(
  env: Record<string, string>,
  { forwardErrors = true, timeoutMs = 30_000 }: { forwardErrors?: boolean; timeoutMs?: number } = {},
): Promise<ServedBuild> {
  const serve = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, [serve, "build/index.js"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      if (!output.includes("[remix-serve]")) output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (forwardErrors) process.stderr.write(chunk);
      if (errors.length < 20_000) errors += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    };
    const deadline = Date.now() + timeoutMs;
    while (!output.includes("[remix-serve]")) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`remix-serve did not listen on port ${port} within ${timeoutMs} ms:\n${errors}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (output.includes("[remix-serve]")) return { baseUrl: `http://127.0.0.1:${port}`, child, stop };
    if (errors.includes("EADDRINUSE") && attempt < 3) continue;
    throw new Error(`remix-serve exited (${child.exitCode ?? child.signalCode}) before listening:\n${errors}`);
  }
}

export interface AppServer {
  baseUrl: string;
  /** The day the demo was anchored on (the day the server was set up): where its data ends. */
  demoAnchorDate: string;
  stop: () => Promise<void>;
}

/**
 * The real production build served by remix-serve on a free loopback port, over a fresh database
 * holding the demo (anchored today, like `npm start`) and one contribution with hostile text. `env` adds
 * to the server's environment (sign-in's settings, say).
 */
export async function startAppServer({ env = {} }: { env?: Record<string, string> } = {}): Promise<AppServer> {
  buildIfStale();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-e2e-"));
  const file = path.join(dir, "steward.sqlite");
  const config = loadConfig(path.join(root, "steward.config.json"));
  // Read once: the demo and the hostile contribution are dated from the same day, even across midnight.
  const demoAnchorDate = todayUtc();
  const db = openDatabase(file);
  try {
    await migrateToLatest(db);
    await prepareDatabase(db, { config, demoAnchorDate });
    const people = await PeopleResolver.load(db, config);
    await db.transaction().execute((trx) =>
      insertContributions(trx, {
        config,
        people,
        items: [
          {
            kind: "commit",
            source: "git",
            sha: "f".repeat(40),
            prNumber: 999999,
            title: hostile.title,
            occurredAt: `${addDays(demoAnchorDate, -1)}T12:00:00Z`,
            refs: [],
            labels: [],
            files: [{ path: "Lib/evil.py", added: 1, deleted: 0 }],
            people: [{ identity: { name: hostile.name, email: "mallory@example.org" }, role: "author" }],
          },
        ],
      }),
    );
  } finally {
    await db.destroy();
  }

  const served = await serveBuild({ DATABASE_URL: file, ...env });
  await waitForHttp(`${served.baseUrl}/api/bus-factor`, served.child);
  return {
    baseUrl: served.baseUrl,
    demoAnchorDate,
    stop: async () => {
      await served.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
