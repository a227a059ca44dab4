import { describe, expect, it } from "vitest";
import { resolveStoredIdentities } from "../../app/models/identity.server";
import { mergePeople, PeopleResolver } from "../../app/models/person.server";
import { upsertPullRequest } from "../../app/models/pull-request.server";
import { compileConfig, parseConfig } from "../../app/stewardship/config";
import type { Database } from "../../db/database";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { commit, people, stageFiles, store } from "../support/factories";

const config = defaultConfig();
const test = setUpTestDatabase({ per: "test" });

/**
 * Every part whose copy of its contribution's time (contribution_people.contribution_occurred_at,
 * migration 0019) differs from the contribution's: onboarding's "authored anything before" and the
 * person page read the copy.
 */
async function partsOutOfStep(db: Database) {
  const parts = await db
    .selectFrom("contributionPeople as cp")
    .innerJoin("contributions as c", "c.id", "cp.contributionId")
    .select(["cp.contributionId", "cp.personId", "cp.role", "cp.contributionOccurredAt", "c.occurredAt"])
    .execute();
  expect(parts.length).toBeGreaterThan(0);
  return parts.filter((part) => part.contributionOccurredAt !== part.occurredAt);
}

async function personOf(db: Database, email: string): Promise<number> {
  const row = await db
    .selectFrom("identities")
    .where("kind", "=", "email")
    .where("value", "=", email)
    .select("personId")
    .executeTakeFirstOrThrow();
  return row.personId;
}

describe("each person's part carries its contribution's time", () => {
  it("whichever write stores it: the git import, a synced PR and its squash commit, merged people", async () => {
    const { db } = test;
    await store(db, config, [
      commit({ day: "2026-03-01", title: "gh-1: Add the JIT", author: people.alice, files: stageFiles.backend }),
      commit({
        day: "2026-03-02",
        title: "gh-2: Optimise",
        author: people.carol,
        coAuthors: [people.dave],
        files: stageFiles["middle-end"],
      }),
    ]);
    expect(await partsOutOfStep(db)).toEqual([]);

    // The sync stores a merged PR first; its people's rows get the time from the trigger.
    const resolver = await PeopleResolver.load(db, config);
    await db.transaction().execute((trx) =>
      upsertPullRequest(trx, {
        config,
        people: resolver,
        pr: {
          number: 3001,
          title: "gh-3: Trace through calls (#3001)",
          createdAt: "2026-03-04T09:00:00Z",
          mergedAt: "2026-03-05T09:00:00Z",
          state: "merged",
          updatedAt: "2026-03-05T09:00:00Z",
          author: people.erin,
          labels: [],
          refs: [3],
          files: stageFiles.frontend,
          reviewers: [{ identity: people.bob, weight: 1, occurredAt: "2026-03-04T18:00:00Z" }],
        },
      }),
    );
    expect(await partsOutOfStep(db)).toEqual([]);

    // Git brings its squash commit, a day later: one contribution, at git's time, on every part.
    await store(db, config, [
      {
        ...commit({ day: "2026-03-06", title: "gh-3: Trace through calls (#3001)", author: people.erin, files: [] }),
        prNumber: 3001,
        files: stageFiles.frontend,
      },
    ]);
    const merged = await db
      .selectFrom("contributions")
      .where("prNumber", "=", 3001)
      .select(["id", "occurredAt"])
      .execute();
    expect(merged).toEqual([{ id: expect.any(Number), occurredAt: "2026-03-06T12:00:00Z" }]);
    expect(await partsOutOfStep(db)).toEqual([]);

    // Merging two people moves the parts over, times and all.
    const [carol, dave] = [await personOf(db, people.carol.email), await personOf(db, people.dave.email)];
    await db.transaction().execute((trx) => mergePeople(trx, { keep: carol, drop: dave }));
    expect(await partsOutOfStep(db)).toEqual([]);
  });

  it("when the configuration regroups people, and when a write names no time or changes one", async () => {
    const { db } = test;
    await store(db, config, [
      commit({ day: "2026-05-01", title: "gh-10: Add a pass", author: people.carol, files: stageFiles["middle-end"] }),
      commit({ day: "2026-05-02", title: "gh-11: Fix it", author: people.dave, files: stageFiles["middle-end"] }),
    ]);
    const regrouped = compileConfig(
      parseConfig(
        JSON.stringify({ ...config.config, identities: [{ merge: [people.carol.email, people.dave.email] }] }),
        "steward.config.json",
      ),
    );
    await db.transaction().execute((trx) => resolveStoredIdentities(trx, regrouped));
    expect(await personOf(db, people.carol.email)).toBe(await personOf(db, people.dave.email));
    expect(await partsOutOfStep(db)).toEqual([]);

    const [first] = await db.selectFrom("contributions").select("id").orderBy("id").limit(1).execute();
    const id = first?.id ?? 0;
    const carol = await personOf(db, people.carol.email);
    // A write that names no time: the trigger fills it in.
    await db
      .insertInto("contributionPeople")
      .values({ contributionId: id, personId: carol, role: "reviewer" })
      .execute();
    // A contribution's time changes (a PR merged later than first seen): its parts follow.
    await db.updateTable("contributions").set({ occurredAt: "2026-06-01T08:00:00Z" }).where("id", "=", id).execute();
    expect(await partsOutOfStep(db)).toEqual([]);
    const times = await db
      .selectFrom("contributionPeople")
      .where("contributionId", "=", id)
      .select("contributionOccurredAt")
      .execute();
    expect(times.map((t) => t.contributionOccurredAt)).toEqual(["2026-06-01T08:00:00Z", "2026-06-01T08:00:00Z"]);
  });
});
