import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIfStale } from "../../scripts/build-if-stale";
import { freePort } from "../support/waiting";

const root = path.resolve(import.meta.dirname, "../..");
let dir: string;
let server: ChildProcess | undefined;
let baseUrl: string;

// The built app served over a file that is not a database, as someone pointing DATABASE_URL at the
// wrong file would run it.
beforeAll(async () => {
  buildIfStale();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-broken-"));
  const file = path.join(dir, "notes.sqlite");
  fs.writeFileSync(file, "These are my notes, not a database.\n".repeat(200));
  const port = await freePort();
  const serve = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  server = spawn(process.execPath, [serve, "build/index.js"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: file },
    stdio: ["ignore", "ignore", "ignore"],
  });
  baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fetch(baseUrl);
      return;
    } catch (error) {
      if (Date.now() > deadline || server.exitCode !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.on("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a server whose database file is not a database", () => {
  it("answers pages with a 503 page naming the file", async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(503);
    const html = (await response.text()).replaceAll("<!-- -->", ""); // React's text separators
    expect(html).toContain("503 · Steward cannot answer right now");
    expect(html).toContain(`<p class="error-message">${path.join(dir, "notes.sqlite")} is not a SQLite database`);
  });

  it("answers the API with a 503 and the documented { error } shape", async () => {
    const response = await fetch(`${baseUrl}/api/bus-factor`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: expect.stringContaining("is not a SQLite database") });
  });
});
