import { afterEach, describe, expect, it } from "vitest";
import { PeopleResolver } from "../../app/models/person.server";
import type { PersonIdentity } from "../../app/stewardship/identity";
import { createTestDatabase, defaultConfig, type TestDatabase } from "../support/db";

const config = defaultConfig();
const opened: TestDatabase[] = [];
afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
});

// A batch as a first import meets it: new people seen twice, one known by an e-mail and then by the
// login in a noreply address, a bot, a bare name, someone stored before, and a login a GitHub sync
// stored on a person without identities.
const batch: PersonIdentity[] = [
  { name: "Ada Lovelace", email: "ada@example.org" },
  { name: "Brett Cannon", email: "54418+brettcannon@users.noreply.github.com" },
  { name: "Ada Lovelace", email: "ADA@example.org" },
  { name: "brettcannon", login: "BrettCannon" },
  { name: "Known Person", email: "known@example.org" },
  { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com" },
  { name: "Only A Name" },
  { name: "Synced Login", email: "synced@example.org", login: "synced" },
  { name: "Known Person", email: "known@example.org", login: "knownperson" },
  { name: "only a name" },
];

/** A database holding one person seen before and one login stored without an identity. */
async function seeded(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  opened.push(database);
  const resolver = await PeopleResolver.load(database.db, config);
  await database.db
    .transaction()
    .execute((trx) => resolver.resolveSighting(trx, { name: "Known Person", email: "known@example.org" }));
  await database.db
    .insertInto("people")
    .values({ login: "synced", name: "synced", isBot: 0, avatarUrl: null })
    .execute();
  return database;
}

/** What both ways store, without the second each database's rows were written in (two runs can straddle one). */
async function stored(database: TestDatabase) {
  const people = await database.db.selectFrom("people").selectAll().orderBy("id").execute();
  return {
    people: people.map(({ createdAt: _writtenAt, ...person }) => person),
    identities: await database.db.selectFrom("identities").selectAll().orderBy("id").execute(),
  };
}

describe("resolving a batch of sightings at once", () => {
  it("stores the same people and identities, with the same ids, as resolving them one by one", async () => {
    const oneByOne = await seeded();
    const oneByOneResolver = await PeopleResolver.load(oneByOne.db, config);
    const expected = await oneByOne.db.transaction().execute(async (trx) => {
      const results = [];
      for (const identity of batch) results.push(await oneByOneResolver.resolveSighting(trx, identity));
      return results;
    });

    const together = await seeded();
    const togetherResolver = await PeopleResolver.load(together.db, config);
    const results = await together.db.transaction().execute((trx) => togetherResolver.resolveSightings(trx, batch));

    expect(results).toEqual(expected);
    expect(await stored(together)).toEqual(await stored(oneByOne));
    // Both resolvers now know the new identities without asking the database.
    expect(togetherResolver.resolveKnown({ name: "Ada", email: "ada@example.org" })).toEqual(
      oneByOneResolver.resolveKnown({ name: "Ada", email: "ada@example.org" }),
    );
    // What it resolved is what a person expects: one Ada, one Brett, a bot, the stored logins reused.
    const people = (await stored(together)).people;
    expect(people.map((p) => [p.login, p.name, p.isBot])).toEqual([
      [null, "Known Person", 0],
      ["synced", "synced", 0],
      [null, "Ada Lovelace", 0],
      ["brettcannon", "Brett Cannon", 0],
      ["dependabot[bot]", "dependabot[bot]", 1],
      [null, "Only A Name", 0],
    ]);
    expect(results[8]?.personId).toBe(results[4]?.personId); // known@ with a login: the same person
  });
});
