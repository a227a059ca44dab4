import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { countComputedReports, getCachedBusFactorReport } from "../../app/bus-factor-cache.server";
import { closeDb, getDb, getReadDb } from "../../app/db.server";
import { loader as busFactorApi } from "../../app/routes/api.bus-factor";
import { loader as dashboard } from "../../app/routes/_index";
import { todayUtc } from "../../app/stewardship/metrics";
import { getDataVersion } from "../../app/models/meta.server";
import { openDatabaseUrl, QueryTimeoutError, type Database } from "../../db/database";
import { defaultConfig, onSqlite, setUpTestDatabase } from "../support/db";
import { knownHistory, store } from "../support/factories";
import { freePort } from "../support/waiting";

const test = setUpTestDatabase({ per: "test", asAppDatabase: true });

// Counting to a billion takes SQLite (or PostgreSQL) minutes: only the time limit ends it.
const endless = sql<{
  n: number;
}>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000) select count(*) as n from c`;

const opened: Database[] = [];
function readers(options: { queryTimeoutMs: number }): Database {
  const db = openDatabaseUrl(test.file, { readOnly: true, connections: 2, ...options });
  opened.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
  delete process.env.STEWARD_QUERY_TIMEOUT_MS;
});

describe("the read pool", () => {
  it("answers a reader and commits a write while another reader runs a long query", async () => {
    const pool = readers({ queryTimeoutMs: 2000 });
    const finished: string[] = [];
    const long = endless.execute(pool).finally(() => finished.push("long query"));
    // Let the long query start before the others ask.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const short = pool
      .selectFrom("meta")
      .select("key")
      .execute()
      .finally(() => finished.push("short query"));
    const write = test.db
      .insertInto("meta")
      .values({ key: "written", value: "during the long read" })
      .execute()
      .finally(() => finished.push("write"));
    await Promise.all([short, write]);
    await expect(long).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(finished).toHaveLength(3);
    expect(finished[2]).toBe("long query");
    // The readers see the committed write.
    expect(await pool.selectFrom("meta").select("value").where("key", "=", "written").execute()).toHaveLength(1);
  });

  it("cuts a query off at the limit, and the connection serves the next one", async () => {
    const pool = openDatabaseUrl(test.file, { readOnly: true, queryTimeoutMs: 100 });
    opened.push(pool);
    const error = await endless.execute(pool).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(String(error)).toMatch(/longer than 100 ms/);
    expect((await sql<{ one: number }>`select 1 as one`.execute(pool)).rows).toEqual([{ one: 1 }]);
  });

  it("cannot write", async () => {
    const pool = readers({ queryTimeoutMs: 5000 });
    // SQLite: a read-only connection; PostgreSQL: every transaction read-only.
    await expect(pool.insertInto("meta").values({ key: "k", value: "v" }).execute()).rejects.toThrow(
      /readonly|read-only transaction/,
    );
  });

  it("turns a query past STEWARD_QUERY_TIMEOUT_MS into a 503 that says what to do", async () => {
    await closeDb();
    process.env.STEWARD_QUERY_TIMEOUT_MS = "100";
    const thrown = await endless.execute(await getReadDb()).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    const response = thrown as Response;
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/took too long .*narrow the window/) });
  });
});

describe.runIf(!onSqlite)("the app's PostgreSQL sessions", () => {
  it("compile no query (jit off), the writer's as the readers'", async () => {
    const jit = async (db: Database) => (await sql<{ jit: string }>`show jit`.execute(db)).rows[0]?.jit;
    expect(await jit(await getDb())).toBe("off");
    expect(await jit(await getReadDb())).toBe("off");
    // The readers' setting beside it still holds.
    const readOnly = await sql<{
      value: string;
    }>`select current_setting('default_transaction_read_only') as value`.execute(await getReadDb());
    expect(readOnly.rows[0]?.value).toBe("on");
  });
});

describe("the bus-factor report cache", () => {
  const query = () => ({ config: defaultConfig(), asOf: todayUtc(), windowDays: 180, min: 2 });

  it("computes a report once until anything commits, from this process's writer or another connection", async () => {
    await store(await getDb(), defaultConfig(), knownHistory(todayUtc()));
    const before = countComputedReports();
    const first = await getCachedBusFactorReport(query());
    expect(await getCachedBusFactorReport(query())).toBe(first);
    const call = (path: string) =>
      busFactorApi({ request: new Request(`http://steward.test${path}`), params: {}, context: {} });
    await call("/api/bus-factor");
    await dashboard({ request: new Request("http://steward.test/"), params: {}, context: {} });
    expect(countComputedReports() - before).toBe(1);

    // Another window is another report.
    await getCachedBusFactorReport({ ...query(), windowDays: 90 });
    expect(countComputedReports() - before).toBe(2);

    // A commit by another connection (an import in another process writes the same way).
    const other = openDatabaseUrl(test.file);
    opened.push(other);
    await other.insertInto("meta").values({ key: "elsewhere", value: "1" }).execute();
    expect(await getCachedBusFactorReport(query())).not.toBe(first);
    expect(countComputedReports() - before).toBe(3);

    // A commit by the app's own writer.
    await (await getDb()).insertInto("meta").values({ key: "here", value: "1" }).execute();
    await getCachedBusFactorReport(query());
    await getCachedBusFactorReport(query());
    expect(countComputedReports() - before).toBe(4);
  });
});

describe("the data version", () => {
  it("changes for every other connection when a write commits, not before, and not on a rollback", async () => {
    // Two connections as two app instances would hold them: one writes, the other watches.
    const writer = openDatabaseUrl(test.file);
    const watcher = openDatabaseUrl(test.file, { readOnly: true });
    opened.push(writer, watcher);
    const start = await getDataVersion(watcher);
    expect(await getDataVersion(watcher)).toBe(start); // reading changes nothing

    let duringTransaction: number | undefined;
    await writer.transaction().execute(async (trx) => {
      await trx.insertInto("meta").values({ key: "a", value: "1" }).execute();
      await trx.insertInto("meta").values({ key: "b", value: "2" }).execute();
      duringTransaction = await getDataVersion(watcher);
    });
    expect(duringTransaction).toBe(start);
    const committed = await getDataVersion(watcher);
    expect(committed).not.toBe(start);

    await writer
      .transaction()
      .execute(async (trx) => {
        await trx.deleteFrom("meta").execute();
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    expect(await getDataVersion(watcher)).toBe(committed);
    expect(await watcher.selectFrom("meta").select("key").orderBy("key").execute()).toEqual([
      { key: "a" },
      { key: "b" },
    ]);

    await writer.updateTable("meta").set({ value: "3" }).where("key", "=", "a").execute();
    expect(await getDataVersion(watcher)).not.toBe(committed);
  });
});

describe("an unusable database at serve time", () => {
  it("answers 503 naming the file on pages and in the API", async () => {
    await closeDb();
    const corrupt = path.join(test.dir, "corrupt.sqlite");
    fs.writeFileSync(corrupt, Buffer.alloc(4096, 7));
    process.env.DATABASE_URL = corrupt;
    const page = await dashboard({ request: new Request("http://steward.test/"), params: {}, context: {} }).catch(
      (e: unknown) => e,
    );
    expect(page).toBeInstanceOf(Response);
    expect((page as Response).status).toBe(503);
    expect(await (page as Response).json()).toEqual({
      error: expect.stringContaining(`${corrupt} is not a SQLite database`),
    });
    const api = await busFactorApi({
      request: new Request("http://steward.test/api/bus-factor"),
      params: {},
      context: {},
    }).catch((e: unknown) => e);
    expect((api as Response).status).toBe(503);
    await closeDb();
    process.env.DATABASE_URL = test.file;
  });

  it("answers 503 naming a PostgreSQL server it cannot reach, without its password", async () => {
    await closeDb();
    // A port nothing listens on: one of the tests' free ports, below the range the OS hands servers on port 0.
    const port = await freePort();
    process.env.DATABASE_URL = `postgres://steward:secret-password@127.0.0.1:${port}/steward`;
    try {
      const page = await dashboard({ request: new Request("http://steward.test/"), params: {}, context: {} }).catch(
        (e: unknown) => e,
      );
      expect(page).toBeInstanceOf(Response);
      expect((page as Response).status).toBe(503);
      const { error } = (await (page as Response).json()) as { error: string };
      expect(error).toContain(`Cannot reach the PostgreSQL server of postgres://steward:***@127.0.0.1:${port}/steward`);
      expect(error).not.toContain("secret-password");
    } finally {
      await closeDb();
      process.env.DATABASE_URL = test.file;
    }
  });
});
