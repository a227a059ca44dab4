import { spawn, spawnSync, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultDatabaseFile, migrateToLatest, openDatabase } from "../../db/database";
import { createTestDatabase, onSqlite } from "../support/db";

const root = path.resolve(import.meta.dirname, "../..");
const migrateCli = ["--import", "tsx", "scripts/migrate.ts"];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-file-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function migrate(databaseUrl: string, options: SpawnOptions = {}, wrapper: string[] = []) {
  const [command = process.execPath, ...args] = [...wrapper, process.execPath, ...migrateCli];
  const result = spawnSync(command, args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
    ...options,
  });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A real, migrated database file copied to `target`. */
async function realDatabase(target: string): Promise<void> {
  const source = await createTestDatabase();
  try {
    await source.db.destroy();
    fs.copyFileSync(source.file, target);
  } finally {
    fs.rmSync(source.dir, { recursive: true, force: true });
  }
}

function expectClearFailure(result: ReturnType<typeof migrate>, file: string, words: RegExp) {
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(file);
  expect(result.stderr).toMatch(words);
  expect(result.stderr).not.toMatch(/^\s+at /m); // a message, not a stack
}

// About SQLite's own file (random bytes, truncation, permissions): the test copies a migrated SQLite
// file, so it runs only when the tests' database is SQLite.
describe.runIf(onSqlite)("a database file Steward cannot use", () => {
  it("names a file of random bytes as not a database", () => {
    const file = path.join(dir, "random.sqlite");
    fs.writeFileSync(file, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    expectClearFailure(migrate(file), file, /is not a SQLite database/);
  });

  it("names a truncated database as damaged", async () => {
    const whole = path.join(dir, "whole.sqlite");
    await realDatabase(whole);
    const file = path.join(dir, "truncated.sqlite");
    fs.writeFileSync(file, fs.readFileSync(whole).subarray(0, 1000));
    expectClearFailure(migrate(file), file, /is damaged.*backup/);
  });

  it("names a path under a file", () => {
    const blocker = path.join(dir, "steward.sqlite");
    fs.writeFileSync(blocker, "");
    const file = path.join(blocker, "x.sqlite");
    expectClearFailure(migrate(file), file, /is a file, not a folder/);
  });

  it("refuses a folder that does not exist instead of creating it", () => {
    const file = path.join(dir, "typo", "steward.sqlite");
    expectClearFailure(migrate(file), file, /the folder .*typo does not exist; create it or fix DATABASE_URL/);
    expect(fs.existsSync(path.join(dir, "typo"))).toBe(false);
  });

  it("names a read-only file and writes nothing to it", async () => {
    const file = path.join(dir, "read-only.sqlite");
    await realDatabase(file);
    const before = fs.readFileSync(file);
    fs.chmodSync(file, 0o444);
    // Root writes through chmod 444 because of its capability CAP_DAC_OVERRIDE. As root, the CLI runs as
    // root without that capability (and CAP_DAC_READ_SEARCH), so the file's permission bits bind it as they
    // bind anyone else. It stays root, the owner of the checkout, so it still reads the project's code
    // wherever the clone lives (running it as nobody failed under mktemp -d's 0700 folder). setpriv is
    // util-linux's, which Debian always installs.
    const withoutOverride =
      process.getuid?.() === 0
        ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
        : [];
    const result = migrate(file, {}, withoutOverride);
    expectClearFailure(result, file, /is read-only/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(["read-only.sqlite"]); // no -wal, -journal or .migrating beside it
  });

  it("still creates the quick start's default data folder", async () => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      const db = openDatabase(defaultDatabaseFile);
      await migrateToLatest(db);
      await db.destroy();
      expect(fs.existsSync(path.join(dir, defaultDatabaseFile))).toBe(true);
    } finally {
      process.chdir(before);
    }
  });
});

describe("two processes starting on a fresh file", () => {
  it("migrate one at a time: all succeed with one schema", async () => {
    const file = path.join(dir, "fresh.sqlite");
    const at = Date.now() + 3000;
    const run = () =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "tests/support/migrate-at.ts", file, String(at)], {
          cwd: root,
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("exit", (code) => resolve({ code, output }));
      });
    const results = await Promise.all([run(), run(), run()]);
    // Every migration the project has, each applied once, by whichever process got the lock first.
    const migrations = fs.readdirSync(path.join(root, "db/migrations")).filter((f) => f.endsWith(".ts")).length;
    expect(results.map((r) => [r.code, r.output.trim()]).sort()).toEqual([
      [0, `applied ${migrations}`],
      [0, "up to date"],
      [0, "up to date"],
    ]);
    expect(fs.existsSync(`${file}.migrating`)).toBe(false);
    const db = openDatabase(file);
    try {
      const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
      expect(rows).toHaveLength(migrations);
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it("takes over a lock left by a process that died", () => {
    const file = path.join(dir, "stale.sqlite");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    fs.writeFileSync(`${file}.migrating`, dead.stdout);
    const result = migrate(file);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Applied 0001_initial");
  });
});

describe("npm start on a busy port", () => {
  it("stops before migrating or seeding anything, saying which port", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const file = path.join(dir, "steward.sqlite");
      const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: file, PORT: String(port), HOST: "127.0.0.1" },
        encoding: "utf8",
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`Port ${port} is in use; set PORT=`);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
