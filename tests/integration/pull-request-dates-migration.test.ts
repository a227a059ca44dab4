import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations, openDatabase, type Database } from "../../db/database";

let dir: string;
let db: Database;
const migrateTo = async (name: string) => {
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(name);
  if (error) throw error;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-migration-"));
  db = openDatabase(path.join(dir, "steward.sqlite"));
});

afterAll(async () => {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("0013_pull_request_dates", () => {
  it("dates the commits' landing and makes the next sync fetch every stored PR again for its opening", async () => {
    await migrateTo("0009_audit_people");
    const row = { title: "t", refs: "[]", labels: "[]", additions: 1, deletions: 0, fileCount: 1 };
    await db
      .insertInto("contributions")
      .values([
        // A squash commit joined to its synced PR, a PR git has not brought yet, a commit alone.
        {
          ...row,
          kind: "commit",
          source: "git",
          sha: "a".repeat(40),
          prNumber: 1,
          occurredAt: "2026-01-10T12:00:00Z",
          prUpdatedAt: "2026-01-10T12:00:00Z",
        },
        {
          ...row,
          kind: "pull_request",
          source: "github",
          sha: null,
          prNumber: 2,
          occurredAt: "2026-01-11T12:00:00Z",
          prUpdatedAt: "2026-01-11T12:00:00Z",
        },
        {
          ...row,
          kind: "commit",
          source: "git",
          sha: "b".repeat(40),
          prNumber: null,
          occurredAt: "2026-01-12T12:00:00Z",
        },
      ])
      .execute();
    await db
      .insertInto("meta")
      .values({ key: "github.prs.cursor:python/cpython", value: "2026-01-11T12:00:00Z" })
      .execute();

    await migrateTo("0013_pull_request_dates");
    const stored = await db
      .selectFrom("contributions")
      .select(["prNumber", "openedAt", "mergedAt", "prUpdatedAt"])
      .orderBy("id")
      .execute();
    expect(stored).toEqual([
      { prNumber: 1, openedAt: null, mergedAt: "2026-01-10T12:00:00Z", prUpdatedAt: null },
      { prNumber: 2, openedAt: null, mergedAt: null, prUpdatedAt: null },
      { prNumber: null, openedAt: null, mergedAt: "2026-01-12T12:00:00Z", prUpdatedAt: null },
    ]);
    expect(await db.selectFrom("meta").selectAll().execute()).toEqual([]);
  });
});
