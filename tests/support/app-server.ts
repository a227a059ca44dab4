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
import { freePort } from "./waiting";

const root = path.resolve(import.meta.dirname, "../..");

/** Contributor-written text that must reach the page as text, never as markup. */
export const hostile = {
  title: `<img src=x onerror="window.__xss=1"> Fix <b>everything</b>`,
  name: `<script>window.__xss=2</script>Mallory`,
};

async function waitForHttp(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The app server exited with ${server.exitCode} before answering.`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The app server did not answer ${url} within ${timeoutMs} ms.`);
}

export interface AppServer {
  baseUrl: string;
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
  const db = openDatabase(file);
  try {
    await migrateToLatest(db);
    await prepareDatabase(db, { config, demoAnchorDate: todayUtc() });
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
            occurredAt: `${addDays(todayUtc(), -1)}T12:00:00Z`,
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

  const port = await freePort();
  const serve = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  const server = spawn(process.execPath, [serve, "build/index.js"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: file, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/api/bus-factor`, server, 30_000);
  return {
    baseUrl,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.on("exit", resolve));
        server.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
