import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations, openDatabase, type Database } from "../../db/database";
import { starterTask } from "../support/factories";

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

describe("0006_claim_kind", () => {
  it("gives the starter tasks stored before it the claim kind their evidence and date tell", async () => {
    await migrateTo("0005_claim_dates");
    const { id } = await db
      .insertInto("people")
      .values({ login: "newcomer", name: "newcomer", avatarUrl: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    const claimed = { claimedByPersonId: id, source: "github" as const };
    await db
      .insertInto("starterTasks")
      .values([
        starterTask({ key: "134584#1", title: "_CALL_LEN", state: "done", claimEvidence: "ticked in the checklist" }),
        starterTask({
          key: "134584#2",
          title: "_GET_ITER",
          ...claimed,
          claimEvidence: "open PR #140200 names _GET_ITER",
        }),
        starterTask({
          key: "134584#3",
          title: "_LOAD_ATTR",
          ...claimed,
          claimEvidence: "claimed in a comment on 2026-11-22",
          claimedAt: "2026-11-22T10:00:00Z",
        }),
        starterTask({
          key: "134584#4",
          title: "_STORE_ATTR",
          ...claimed,
          claimEvidence: "claimed in a comment on 2026-08-01",
        }),
        starterTask({ key: "140321", title: "Print stencil sizes", ...claimed, claimEvidence: "assigned to newcomer" }),
        starterTask({
          key: "140322",
          title: "Check alignment",
          ...claimed,
          claimEvidence: "open PR #140400 references gh-140322",
        }),
        starterTask({ key: "146410", title: "Demo", ...claimed, source: "demo", claimEvidence: "assigned" }),
      ])
      .execute();
    await migrateTo("0006_claim_kind");
    const kinds = await db.selectFrom("starterTasks").select(["key", "claimKind"]).orderBy("key").execute();
    expect(kinds).toEqual([
      { key: "134584#1", claimKind: null },
      { key: "134584#2", claimKind: "pull-request" },
      { key: "134584#3", claimKind: "comment" },
      { key: "134584#4", claimKind: "comment" },
      { key: "140321", claimKind: "assignee" },
      { key: "140322", claimKind: "pull-request" },
      { key: "146410", claimKind: "assignee" },
    ]);
  });
});
