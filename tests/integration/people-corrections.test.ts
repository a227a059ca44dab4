import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "../../app/config.server";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { resolveStoredIdentities } from "../../app/models/identity.server";
import { PeopleResolver } from "../../app/models/person.server";
import { upsertPullRequest } from "../../app/models/pull-request.server";
import { loader as busFactorLoader } from "../../app/routes/api.bus-factor";
import { action as mergesAction, loader as mergesLoader } from "../../app/routes/api.people.merges";
import { action as splitsAction } from "../../app/routes/api.people.splits";
import { loader as correctionsLoader } from "../../app/routes/api.people.corrections._index";
import { action as undoAction } from "../../app/routes/api.people.corrections.$id.undo";
import { action as pageAction, loader as pageGetLoader } from "../../app/routes/people-corrections";
import { loader as personLoader } from "../../app/routes/people.$id";
import { listAuditEvents } from "../../app/models/audit.server";
import { addDays, todayUtc } from "../../app/stewardship/metrics";
import { setUpTestDatabase } from "../support/db";
import { TestRepo } from "../support/git-repo";
import { generateRepository } from "../support/github-simulator/data";
import { args, caught, origin, signIn } from "../support/sign-in";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";

const test = setUpTestDatabase({ asAppDatabase: true });
const saved = { ...process.env };
let github: GitHubSimulator;
let repo: TestRepo;
let steward: { cookie: string; csrf: string };
let reader: { cookie: string; csrf: string };
/** The two Marks' person ids before any correction. */
const marks = { a: 0, b: 0 };

const today = todayUtc();
const mark = { name: "Mark Shannon", email: "mark@hotpy.org" };
// No rule joins these two: a one-word name, a short local part.
const markOnGitHub = { name: "markshannon", email: "3198145+markshannon@users.noreply.github.com" };
// One rule joins these (the local part, where the names agree): two people, as it turns out.
const irit = { name: "Irit Katriel", email: "iritkatriel@example.org" };
const iritNamesake = { name: "iritkatriel", email: "iritkatriel@example.com" };

let n = 0;
function work(author: { name: string; email: string }, daysAgo: number) {
  n += 1;
  repo.write("Python/optimizer_analysis.c", `int step_${n};\n`.repeat(n));
  return repo.commit(`gh-1${String(n).padStart(5, "0")}: Improve the uop optimizer (#2${n})`, {
    author,
    date: `${addDays(today, -daysAgo)}T10:00:00Z`,
  });
}

beforeAll(async () => {
  github = await startGitHubSimulator({
    repository: generateRepository({ now: `${today}T12:00:00Z`, pullRequests: 3 }),
  });
  const config = JSON.parse(fs.readFileSync(path.resolve("steward.config.json"), "utf8")) as Record<string, unknown>;
  const configFile = path.join(test.dir, "steward.config.json");
  fs.writeFileSync(configFile, JSON.stringify({ ...config, stewards: ["steward-sam"] }));
  Object.assign(process.env, {
    STEWARD_CONFIG: configFile,
    GITHUB_API_URL: github.url,
    GITHUB_CLIENT_ID: github.oauth.clientId,
    GITHUB_CLIENT_SECRET: github.oauth.clientSecret,
    SESSION_SECRET: "a-test-session-secret-that-is-long-enough-0123456789",
  });
  repo = TestRepo.create();
  work(mark, 40);
  work(markOnGitHub, 30);
  work(irit, 20);
  work(iritNamesake, 10);
  await importGitHistory({ db: test.db, config: getConfig(), repoPath: repo.dir });
  steward = await signIn(test.db, github, "steward-sam");
  reader = await signIn(test.db, github, "reader-ray");
});
afterAll(async () => {
  process.env = saved;
  repo.remove();
  await github.close();
});

/** A form post to the corrections route, as the person page's forms send it. */
function postForm(
  fields: Array<[string, string]>,
  {
    session = steward as { cookie: string; csrf: string } | null,
    csrf,
  }: { session?: typeof steward | null; csrf?: string } = {},
) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: origin });
  if (session) headers.set("Cookie", session.cookie);
  const body = new URLSearchParams([["csrf", csrf ?? session?.csrf ?? ""], ...fields]);
  return caught(pageAction(args(new Request(`${origin}/people-corrections`, { method: "POST", headers, body }))));
}

function postJson(
  action: typeof mergesAction,
  url: string,
  body: unknown,
  { token, params = {} }: { token?: string | null; params?: Record<string, string> } = {},
) {
  const headers = new Headers({ "Content-Type": "application/json" });
  const bearer = token === undefined ? github.personalToken("steward-sam") : token;
  if (bearer) headers.set("Authorization", `Bearer ${bearer}`);
  return caught(
    action(args(new Request(`${origin}${url}`, { method: "POST", headers, body: JSON.stringify(body) }), params)),
  );
}

async function count(table: "identityCorrections" | "auditEvents" | "people" | "identities" | "stageActivity") {
  const row = await test.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
const counts = async () => ({
  corrections: await count("identityCorrections"),
  events: await count("auditEvents"),
  people: await count("people"),
  identities: await count("identities"),
  activity: await count("stageActivity"),
  undone: (await test.db.selectFrom("identityCorrections").select("id").where("undoneAt", "is not", null).execute())
    .length,
});

/** The person an identity (by e-mail) belongs to now. */
async function personOf(email: string): Promise<number> {
  const row = await test.db
    .selectFrom("identities")
    .select("personId")
    .where("kind", "=", "email")
    .where("value", "=", email)
    .executeTakeFirstOrThrow();
  return row.personId;
}

/** Middle-end credit per person id, as stage activity holds it. */
async function middleEndCredit(): Promise<Map<number, number>> {
  const rows = await test.db
    .selectFrom("stageActivity")
    .where("stageId", "=", "middle-end")
    .groupBy("personId")
    .select((eb) => ["personId", eb.fn.sum<number>("weight").as("credit")])
    .execute();
  return new Map(rows.map((r) => [r.personId, Number(r.credit)]));
}

/** The middle-end's active maintainers today, as the dashboard's API reports them. */
async function middleEndMaintainers(): Promise<number[]> {
  const response = await caught(busFactorLoader(args(new Request(`${origin}/api/bus-factor?asOf=${today}`))));
  const body = (await response.json()) as { stages: Array<{ id: string; activeMaintainers: Array<{ id: number }> }> };
  return (body.stages.find((s) => s.id === "middle-end")?.activeMaintainers ?? []).map((p) => p.id);
}

async function personPage(id: number, session: typeof steward | null = steward) {
  const headers = new Headers(session ? { Cookie: session.cookie } : {});
  return personLoader(args(new Request(`${origin}/people/${id}`, { headers }), { id: String(id) }));
}

describe("merging two people by hand", () => {
  it("starts with the two Marks apart and the two Irits as one", async () => {
    expect(await personOf(mark.email)).not.toBe(await personOf(markOnGitHub.email));
    expect(await personOf(irit.email)).toBe(await personOf(iritNamesake.email));
    expect(await middleEndMaintainers()).toEqual([await personOf(irit.email)]);
  });

  it("a merge on the person page makes one person whose credit is combined on the dashboard", async () => {
    const [a, b] = [await personOf(mark.email), await personOf(markOnGitHub.email)];
    Object.assign(marks, { a, b });
    const page = await personPage(a);
    expect(page.writer).toEqual({ csrf: steward.csrf });
    expect(page.corrections).toEqual([]);
    const events = await count("auditEvents");

    const response = await postForm([
      ["person", String(a)],
      ["intent", "merge"],
      ["other", "@markshannon"],
      ["reason", "Mark's GitHub address; he said so in the PR"],
    ]);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/people/${Math.min(a, b)}#corrections`);
    const merged = await personOf(mark.email);
    expect(merged).toBe(Math.min(a, b));
    expect(await personOf(markOnGitHub.email)).toBe(merged);
    expect((await middleEndCredit()).get(merged)).toBe(2);
    expect(await middleEndMaintainers()).toContain(merged);

    const after = await personPage(merged);
    expect(after.person.login).toBe("markshannon");
    expect(after.corrections).toMatchObject([
      { kind: "merge", reason: "Mark's GitHub address; he said so in the PR", createdBy: "steward-sam" },
    ]);
    // Never an e-mail address on the page: the names and logins the sightings carried.
    expect(JSON.stringify(after)).not.toMatch(/hotpy\.org|users\.noreply/);
    expect(after.corrections[0]?.identities).toEqual(expect.arrayContaining(["Mark Shannon", "markshannon"]));

    expect(await count("auditEvents")).toBe(events + 1);
    const [event] = await listAuditEvents(test.db, { personId: b });
    expect(event).toMatchObject({ action: "merge people", login: "steward-sam" });
    expect(JSON.stringify(event?.before)).toContain("Mark Shannon");
    expect(JSON.stringify(event)).not.toMatch(/hotpy/);
    expect((await listAuditEvents(test.db, { personId: a }))[0]?.id).toBe(event?.id);
  });

  it("the merge survives a re-import of the same history, a new commit, a sync and a re-resolution", async () => {
    const merged = await personOf(mark.email);
    // The sync learns that PR #22, markshannon's squash commit, is @markshannon's: that says nothing of
    // Mark's other address, which only the steward's merge joined (so the merge stays undoable).
    const config = getConfig();
    await test.db.transaction().execute(async (trx) =>
      upsertPullRequest(trx, {
        config,
        people: await PeopleResolver.load(trx, config),
        pr: {
          number: 22,
          account: { login: "markshannon", isBot: false, avatarUrl: null },
          title: "gh-100002: Improve the uop optimizer",
          createdAt: `${addDays(today, -31)}T10:00:00Z`,
          mergedAt: `${addDays(today, -30)}T10:00:00Z`,
          updatedAt: `${addDays(today, -30)}T10:00:00Z`,
          author: { name: "markshannon", login: "markshannon" },
          labels: [],
          refs: [],
          files: [],
          reviewers: [],
        },
      }),
    );
    await resolveStoredIdentities(test.db, config);
    expect(await personOf(mark.email)).toBe(merged);
    expect(await importGitHistory({ db: test.db, config: getConfig(), repoPath: repo.dir })).toMatchObject({
      added: 0,
    });
    expect(await resolveStoredIdentities(test.db, getConfig())).toEqual({ merged: 0, split: 0, contributions: 0 });
    work(markOnGitHub, 5);
    expect(await importGitHistory({ db: test.db, config: getConfig(), repoPath: repo.dir })).toMatchObject({
      added: 1,
    });
    expect(await personOf(markOnGitHub.email)).toBe(merged);
    expect((await middleEndCredit()).get(merged)).toBe(3);
  });

  it("undo on the person page splits them again and takes the combined credit back", async () => {
    const merged = await personOf(mark.email);
    const [correction] = (await personPage(merged)).corrections;
    const response = await postForm([
      ["person", String(merged)],
      ["intent", "undo"],
      ["correction", String(correction?.id)],
    ]);
    expect(response.status).toBe(303);
    const [a, b] = [await personOf(mark.email), await personOf(markOnGitHub.email)];
    // Both get their page addresses back: the lower id stayed, the other is given back.
    expect([a, b]).toEqual([marks.a, marks.b]);
    expect((await middleEndCredit()).get(a)).toBe(1);
    expect((await middleEndCredit()).get(b)).toBe(2);
    expect(await middleEndMaintainers()).toEqual(expect.arrayContaining([b]));
    expect(await middleEndMaintainers()).not.toContain(a);
    expect((await personPage(a)).corrections).toEqual([]);
    const [event] = await listAuditEvents(test.db, { personId: b });
    expect(event).toMatchObject({ action: "undo merge of people", login: "steward-sam" });
    // Undone corrections stay listed by the API, with who undid them.
    const listed = await caught(correctionsLoader(args(new Request(`${origin}/api/people/corrections`))));
    expect(await listed.json()).toMatchObject({
      corrections: [{ id: correction?.id, kind: "merge", undoneBy: "steward-sam" }],
    });
  });
});

describe("splitting a person by hand", () => {
  it("a split on the person page makes two people, and survives a re-import", async () => {
    const both = await personOf(irit.email);
    const page = await personPage(both);
    expect(page.aliases.names).toEqual(["Irit Katriel", "iritkatriel"]);
    const response = await postForm([
      ["person", String(both)],
      ["intent", "split"],
      ["identity", "iritkatriel"],
      ["reason", "a different Irit: her commits are to the docs team's fork"],
    ]);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/people/${both}#corrections`);
    expect(await personOf(irit.email)).toBe(both); // the side that stays keeps the id
    const other = await personOf(iritNamesake.email);
    expect(other).not.toBe(both);
    expect((await middleEndCredit()).get(both)).toBe(1);
    expect((await middleEndCredit()).get(other)).toBe(1);
    expect(await middleEndMaintainers()).not.toContain(both);
    // The correction is listed on both people's pages.
    expect((await personPage(other)).corrections).toMatchObject([{ kind: "split", splitOff: ["iritkatriel"] }]);
    expect((await personPage(both)).corrections).toHaveLength(1);

    await importGitHistory({ db: test.db, config: getConfig(), repoPath: repo.dir });
    expect(await resolveStoredIdentities(test.db, getConfig())).toEqual({ merged: 0, split: 0, contributions: 0 });
    expect(await personOf(iritNamesake.email)).toBe(other);
    expect(await personOf(irit.email)).toBe(both);
  });

  it("undo by the API joins them again", async () => {
    const [correction] = (await personPage(await personOf(irit.email))).corrections;
    const response = await postJson(undoAction, `/api/people/corrections/${correction?.id}/undo`, null, {
      params: { id: String(correction?.id) },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ correction: { id: correction?.id, undoneBy: "steward-sam" } });
    expect(await personOf(iritNamesake.email)).toBe(await personOf(irit.email));
    // Undoing twice is refused.
    const again = await postJson(undoAction, `/api/people/corrections/${correction?.id}/undo`, null, {
      params: { id: String(correction?.id) },
    });
    expect(again.status).toBe(400);
  });
});

describe("the API", () => {
  it("merges by login and id, splits, and undoes each", async () => {
    const [a, b] = [await personOf(mark.email), await personOf(markOnGitHub.email)];
    const merge = await postJson(mergesAction, "/api/people/merges", {
      people: [a, "@markshannon"],
      reason: "the same Mark",
    });
    expect(merge.status).toBe(201);
    const merged = ((await merge.json()) as { correction: { id: number; people: Array<{ id: number }> } }).correction;
    expect(merged.people.map((p) => p.id)).toEqual([Math.min(a, b)]);
    expect(await personOf(markOnGitHub.email)).toBe(await personOf(mark.email));

    const split = await postJson(splitsAction, "/api/people/splits", {
      person: "markshannon",
      identities: ["@markshannon"],
      reason: "the bot account, after all",
    });
    expect(split.status).toBe(201);
    const splitBody = (await split.json()) as { correction: { id: number; people: unknown[] } };
    expect(splitBody.correction.people).toHaveLength(2);
    // The later split beats the earlier merge.
    expect(await personOf(markOnGitHub.email)).not.toBe(await personOf(mark.email));

    const undoSplit = await postJson(undoAction, "/x", null, { params: { id: String(splitBody.correction.id) } });
    expect(undoSplit.status).toBe(200);
    expect(await personOf(markOnGitHub.email)).toBe(await personOf(mark.email));
    const undoMerge = await postJson(undoAction, "/x", null, { params: { id: String(merged.id) } });
    expect(undoMerge.status).toBe(200);
    expect(await personOf(markOnGitHub.email)).not.toBe(await personOf(mark.email));

    const listed = await caught(correctionsLoader(args(new Request(`${origin}/api/people/corrections?live=1`))));
    expect(await listed.json()).toEqual({ corrections: [] });
    const all = await caught(correctionsLoader(args(new Request(`${origin}/api/people/corrections`))));
    expect(JSON.stringify(await all.json())).not.toMatch(/@example\.(org|com)|hotpy\.org|users\.noreply/);
  });
});

describe("refusals change nothing", () => {
  it("refuses the page without a session, for a non-steward, with a bad form token, and bad input", async () => {
    const a = await personOf(mark.email);
    const before = await counts();
    const merge: Array<[string, string]> = [
      ["person", String(a)],
      ["intent", "merge"],
      ["other", "@markshannon"],
      ["reason", "r"],
    ];
    const anonymous = await postForm(merge, { session: null });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("Location")).toBe(`/auth/github?returnTo=${encodeURIComponent(`/people/${a}`)}`);
    expect((await postForm(merge, { session: reader })).status).toBe(403);
    expect((await postForm(merge, { csrf: "forged" })).status).toBe(403);
    const bad: Array<[Array<[string, string]>, RegExp]> = [
      [
        [
          ["person", String(a)],
          ["intent", "merge"],
          ["other", "@nobody-at-all"],
          ["reason", "r"],
        ],
        /nobody-at-all/,
      ],
      [
        [
          ["person", String(a)],
          ["intent", "merge"],
          ["other", String(a)],
          ["reason", "r"],
        ],
        /same person/,
      ],
      [
        [
          ["person", String(a)],
          ["intent", "merge"],
          ["other", "@markshannon"],
          ["reason", " "],
        ],
        /reason/,
      ],
      [
        [
          ["person", String(a)],
          ["intent", "split"],
          ["reason", "r"],
        ],
        /at least one/,
      ],
      [
        [
          ["person", String(a)],
          ["intent", "split"],
          ["identity", "Mark Shannon"],
          ["reason", "r"],
        ],
        /leave nothing/,
      ],
      [
        [
          ["person", String(a)],
          ["intent", "split"],
          ["identity", "Someone Else"],
          ["reason", "r"],
        ],
        /Someone Else/,
      ],
    ];
    for (const [fields, message] of bad) {
      const response = await postForm(fields);
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
    }
    expect(await counts()).toEqual(before);
    expect((await personPage(a, reader)).writer).toBeNull();
    expect((await personPage(a, null)).writer).toBeNull();
    const get = await caught(pageGetLoader(args(new Request(`${origin}/people-corrections?person=${a}`))));
    expect(get.headers.get("Location")).toBe(`/people/${a}`);
  });

  it("refuses the API without a token, with a token GitHub refuses, for a non-steward, and bad input", async () => {
    const before = await counts();
    const body = { people: ["@markshannon", String(await personOf(mark.email))], reason: "r" };
    expect((await postJson(mergesAction, "/api/people/merges", body, { token: null })).status).toBe(401);
    expect((await postJson(mergesAction, "/api/people/merges", body, { token: "ghp_not-a-token" })).status).toBe(401);
    const nonSteward = await postJson(mergesAction, "/api/people/merges", body, {
      token: github.personalToken("reader-ray"),
    });
    expect(nonSteward.status).toBe(403);
    const cases: Array<[typeof mergesAction, string, unknown, string]> = [
      [mergesAction, "/api/people/merges", { people: ["@markshannon", "@nobody-at-all"], reason: "r" }, "people.1"],
      [mergesAction, "/api/people/merges", { people: ["@markshannon", "@markshannon"], reason: "r" }, "people"],
      [mergesAction, "/api/people/merges", { people: ["@markshannon"], reason: "r" }, "people"],
      [mergesAction, "/api/people/merges", { people: ["@markshannon", "irit"] }, "reason"],
      [splitsAction, "/api/people/splits", { person: "@nobody-at-all", identities: ["x"], reason: "r" }, "person"],
      [
        splitsAction,
        "/api/people/splits",
        { person: "@markshannon", identities: ["@other"], reason: "r" },
        "identities.0",
      ],
      [
        splitsAction,
        "/api/people/splits",
        { person: "@markshannon", identities: ["@markshannon"], reason: "r" },
        "identities",
      ],
      [splitsAction, "/api/people/splits", { person: "@markshannon", identities: [], reason: "r" }, "identities"],
    ];
    for (const [action, url, input, field] of cases) {
      const response = await postJson(action, url, input);
      expect(response.status, JSON.stringify(input)).toBe(400);
      expect(((await response.json()) as { error: string }).error.startsWith(`${field}:`)).toBe(true);
    }
    // The configuration file wins: a merge it keeps apart is refused, and says to edit the file.
    const configFile = process.env.STEWARD_CONFIG ?? "";
    const apartFile = path.join(test.dir, "apart.config.json");
    const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
    const identities = [{ keepApart: [mark.email, "@markshannon"], reason: "two Marks" }];
    fs.writeFileSync(apartFile, JSON.stringify({ ...config, identities }));
    process.env.STEWARD_CONFIG = apartFile;
    try {
      const kept = await postJson(mergesAction, "/api/people/merges", body);
      expect(kept.status).toBe(400);
      expect(((await kept.json()) as { error: string }).error).toMatch(
        /^people: they stay apart: .*steward\.config\.json/,
      );
    } finally {
      process.env.STEWARD_CONFIG = configFile;
    }
    const unknown = await postJson(undoAction, "/x", null, { params: { id: "9999" } });
    expect(unknown.status).toBe(404);
    expect(await counts()).toEqual(before);
    const get = await caught(mergesLoader(args(new Request(`${origin}/api/people/merges`))));
    expect(get.status).toBe(405);
  });
});
