import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../app/db.server";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { prepareDatabase } from "../../app/ingest/prepare.server";
import { resolveStoredIdentities } from "../../app/models/identity.server";
import { loader as personLoader } from "../../app/routes/people.$id";
import { compileConfig, parseConfig, type CompiledConfig } from "../../app/stewardship/config";
import type { IdentityEntry } from "../../app/stewardship/identity-resolution";
import { createTestDatabase, defaultConfig, type TestDatabase } from "../support/db";
import { TestRepo } from "../support/git-repo";

const config = defaultConfig();
let test: TestDatabase;
let repo: TestRepo;

/** The default configuration with `identities` entries. */
function withEntries(identities: IdentityEntry[]): CompiledConfig {
  return compileConfig(parseConfig(JSON.stringify({ ...config.config, identities }), "steward.config.json"));
}

const brandt = {
  work: { name: "Brandt Bucher", email: "brandtbucher@microsoft.com" },
  home: { name: "Brandt Bucher", email: "brandtbucher@gmail.com" },
  github: { name: "Brandt Bucher", email: "12345678+brandtbucher@users.noreply.github.com" },
};
const kenJin = { name: "Ken Jin", email: "28750310+Fidget-Spinner@users.noreply.github.com" };
const samA = { name: "Sam", email: "sam@a.org" };
const samB = { name: "Sam", email: "sam@b.org" };

/**
 * A CPython-like history of middle-end work: Brandt under two domains and his noreply address, and as
 * a co-author in an odd trailer; Ken Jin by his noreply address and as `@Fidget-Spinner`; two Sams.
 */
function buildHistory(repo: TestRepo): void {
  let n = 0;
  const work = (message: string, author: { name: string; email: string }, date: string) => {
    n += 1;
    repo.write("Python/optimizer_analysis.c", `int step_${n};\n`.repeat(n));
    repo.commit(message, { author, date });
  };
  work("gh-100001: Add a pass to the uop optimizer (#100002)", brandt.work, "2026-01-05T10:00:00Z");
  work("gh-100003: Fold constants in the optimizer (#100004)", brandt.home, "2026-01-12T10:00:00Z");
  work("gh-100005: Track types of locals (#100006)", brandt.github, "2026-01-19T10:00:00Z");
  work(
    "gh-100007: Remove redundant guards (#100008)\n\nCo-authored-by: Brandt Bucher <brandtbucher@gmail.com> [Microsoft]\nCo-authored-by: @Fidget-Spinner",
    kenJin,
    "2026-01-26T10:00:00Z",
  );
  work("gh-100009: Narrow types after a guard (#100010)", samA, "2026-02-02T10:00:00Z");
  work("gh-100011: Fix a typo in a comment (#100012)", samB, "2026-02-09T10:00:00Z");
}

/** Middle-end credit per person, by name and the number of people of that name. */
async function credits(): Promise<Record<string, number[]>> {
  const rows = await test.db
    .selectFrom("people as p")
    .leftJoin("stageActivity as sa", (join) =>
      join.onRef("sa.personId", "=", "p.id").on("sa.stageId", "=", "middle-end"),
    )
    .groupBy("p.id")
    .select((eb) => ["p.id", "p.name", eb.fn.coalesce(eb.fn.sum<number>("sa.weight"), eb.val(0)).as("credit")])
    .orderBy("p.id")
    .execute();
  const byName: Record<string, number[]> = {};
  for (const row of rows) (byName[row.name] ??= []).push(Number(row.credit));
  return byName;
}

/** Everything identity resolution may rewrite, to show that a second run rewrites nothing. */
async function snapshot() {
  const [people, identities, parts, activity] = await Promise.all([
    test.db.selectFrom("people").selectAll().orderBy("id").execute(),
    test.db.selectFrom("identities").selectAll().orderBy("id").execute(),
    test.db.selectFrom("contributionPeople").selectAll().orderBy(["contributionId", "personId", "role"]).execute(),
    test.db.selectFrom("stageActivity").selectAll().orderBy(["stageId", "contributionId", "personId"]).execute(),
  ]);
  return { people, identities, parts, activity };
}

async function personNamed(name: string): Promise<number> {
  const row = await test.db.selectFrom("people").select("id").where("name", "=", name).executeTakeFirstOrThrow();
  return row.id;
}

beforeEach(async () => {
  test = await createTestDatabase();
  repo = TestRepo.create();
  buildHistory(repo);
});
afterEach(async () => {
  await test.close();
  repo.remove();
});

describe("one person per human, in stored data", () => {
  it("joins one human's addresses, noreply login and trailers into one person whose credit sums", async () => {
    const summary = await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    // Brandt's three addresses were three people until the import's resolution merged two into the
    // first; Ken Jin's trailer named the login of his noreply address, so he was one person all along.
    expect(summary).toMatchObject({ read: 6, added: 6, merged: 2, people: 4 });
    expect(await credits()).toEqual({ "Brandt Bucher": [4], "Ken Jin": [1], Sam: [1, 1] });

    const before = await snapshot();
    expect(await resolveStoredIdentities(test.db, config)).toEqual({ merged: 0, split: 0, contributions: 0 });
    expect(await snapshot()).toEqual(before);

    // Importing again adds nothing and merges nothing.
    expect(await importGitHistory({ db: test.db, config, repoPath: repo.dir })).toMatchObject({
      added: 0,
      merged: 0,
      people: 0,
    });
    expect(await snapshot()).toEqual(before);
  });

  it("a keepApart entry splits a merged person and their credit; removing it joins them again", async () => {
    await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    const apart = withEntries([
      { keepApart: ["brandtbucher@microsoft.com", "brandtbucher@gmail.com"], reason: "a test of splitting" },
    ]);
    const report = await prepareDatabase(test.db, { config: apart, seedWhenEmpty: false });
    expect(report.identities).toEqual({ merged: 0, split: 1 });
    // The noreply address joins the first Brandt by name; the gmail one keeps its commit and trailer.
    expect((await credits())["Brandt Bucher"]).toEqual([2, 2]);
    expect((await prepareDatabase(test.db, { config: apart, seedWhenEmpty: false })).identities).toBeNull();

    expect(await resolveStoredIdentities(test.db, config)).toMatchObject({ merged: 1, split: 0 });
    expect((await credits())["Brandt Bucher"]).toEqual([4]);
  });

  it("a merge entry joins what no rule would, and the two Sams otherwise stay two", async () => {
    await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    expect((await credits()).Sam).toEqual([1, 1]);
    const merged = withEntries([{ merge: ["sam@a.org", "sam@b.org"], reason: "one Sam, two employers" }]);
    expect(await resolveStoredIdentities(test.db, merged)).toMatchObject({ merged: 1, split: 0, contributions: 1 });
    expect((await credits()).Sam).toEqual([2]);
  });
});

describe("data stored before identities kept their sightings", () => {
  it("a whole trailer stored as a name, on a part with no identity, joins the person its e-mail names", async () => {
    await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    // What an older Steward stored for `Co-authored-by: Brandt Bucher <brandtbucher@gmail.com> [Microsoft]`.
    const legacy = await test.db
      .insertInto("people")
      .values({ login: null, name: "unknown contributor", isBot: 0, avatarUrl: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await test.db
      .insertInto("identities")
      .values({ personId: legacy.id, kind: "name", value: "brandt bucher <brandtbucher@gmail.com> [microsoft]" })
      .execute();
    const samsWork = await test.db
      .selectFrom("contributionPeople")
      .select("contributionId")
      .where("personId", "=", await personNamed("Sam"))
      .executeTakeFirstOrThrow();
    await test.db
      .insertInto("contributionPeople")
      .values({ contributionId: samsWork.contributionId, personId: legacy.id, role: "co-author", weight: 1 })
      .execute();

    expect(await resolveStoredIdentities(test.db, config)).toMatchObject({ merged: 1, split: 0, contributions: 1 });
    expect(await credits()).toEqual({ "Brandt Bucher": [5], "Ken Jin": [1], Sam: [1, 1] });
  });
});

describe("the person page", () => {
  it("lists the names and logins a person joins and never an e-mail address", async () => {
    await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    process.env.DATABASE_URL = test.file;
    globalThis.__stewardDb = undefined;
    const id = await personNamed("Brandt Bucher");
    const data = await personLoader({
      request: new Request(`http://steward.test/people/${id}`),
      params: { id: String(id) },
      context: {},
    });
    expect(data.aliases).toEqual({ names: ["Brandt Bucher"], logins: ["brandtbucher"] });
    expect(data.person).toMatchObject({ name: "Brandt Bucher", contributions: 4 });
    const text = JSON.stringify(data);
    for (const address of [...Object.values(brandt).map((b) => b.email), kenJin.email, "noreply", "@"])
      expect(text).not.toContain(address);
    await (await getDb()).destroy();
    globalThis.__stewardDb = undefined;
  });
});
