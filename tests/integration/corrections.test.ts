import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { action as correctionsAction, loader as correctionsPageLoader } from "../../app/routes/corrections";
import { action as correctionsApiAction, loader as correctionsApiLoader } from "../../app/routes/api.corrections";
import { action as undoApiAction } from "../../app/routes/api.corrections_.$id.undo";
import { loader as contributionsApi } from "../../app/routes/api.contributions";
import { loader as busFactorApi } from "../../app/routes/api.bus-factor";
import { loader as contributionsPageLoader } from "../../app/routes/contributions";
import { loader as personLoader } from "../../app/routes/people.$id";
import { loader as stageLoader } from "../../app/routes/stages.$stage";
import { getConfig } from "../../app/config.server";
import { reclassifyContributions, reclassifyStale } from "../../app/models/classification.server";
import { listAuditEvents } from "../../app/models/audit.server";
import { todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { knownHistory, store } from "../support/factories";
import { generateRepository } from "../support/github-simulator/data";
import { args, caught, origin, signIn } from "../support/sign-in";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";

const test = setUpTestDatabase({ asAppDatabase: true });
const history = knownHistory(todayUtc());
let github: GitHubSimulator;
const saved = { ...process.env };

beforeAll(async () => {
  github = await startGitHubSimulator({
    repository: generateRepository({ now: `${todayUtc()}T12:00:00Z`, pullRequests: 5 }),
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
  // alice-l maintains the middle-end with PRs 135001 and 135002; carol and dave the backend.
  await store(test.db, defaultConfig(), history);
  await test.db.insertInto("people").values({ login: "newcomer-nia", name: "Nia Newcomer" }).execute();
});
afterAll(async () => {
  process.env = saved;
  await github.close();
});

// Each test starts from the classifier's verdicts, with no correction and no audit event.
beforeEach(async () => {
  await test.db.deleteFrom("stageCorrections").execute();
  await test.db.deleteFrom("auditEvents").execute();
  const ids = (await test.db.selectFrom("contributions").select("id").execute()).map((r) => r.id);
  await test.db.transaction().execute((trx) => reclassifyContributions(trx, getConfig(), ids));
});

function postForm(
  fields: Array<[string, string]>,
  { cookie, origin: from = origin }: { cookie?: string; origin?: string | null } = {},
) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
  if (cookie) headers.set("Cookie", cookie);
  if (from) headers.set("Origin", from);
  const body = new URLSearchParams(fields);
  return caught(correctionsAction(args(new Request(`${origin}/corrections`, { method: "POST", headers, body }))));
}

function postJson(url: string, body: unknown, token?: string) {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return new Request(`${origin}${url}`, { method: "POST", headers, body: JSON.stringify(body) });
}

async function contributionOf(pr: number) {
  return test.db.selectFrom("contributions").select(["id", "sha"]).where("prNumber", "=", pr).executeTakeFirstOrThrow();
}

async function stagesOf(contributionId: number) {
  const rows = await test.db
    .selectFrom("contributionStages")
    .select("stageId")
    .where("contributionId", "=", contributionId)
    .orderBy("stageId")
    .execute();
  return rows.map((r) => r.stageId);
}

/** Who gets credit for a contribution, in which stage: the rows the bus factor counts. */
async function activityOf(contributionId: number) {
  const rows = await test.db
    .selectFrom("stageActivity as a")
    .innerJoin("people as p", "p.id", "a.personId")
    .select(["a.stageId", "p.name"])
    .where("a.contributionId", "=", contributionId)
    .orderBy("a.stageId")
    .execute();
  return rows.map((r) => `${r.stageId}:${r.name}`);
}

async function maintainers() {
  const response = await caught(busFactorApi(args(new Request(`${origin}/api/bus-factor`))));
  const body = (await response.json()) as {
    stages: Array<{ id: string; activeMaintainers: Array<{ login: string }> }>;
  };
  return Object.fromEntries(body.stages.map((s) => [s.id, s.activeMaintainers.map((p) => p.login)]));
}

async function apiContribution(pr: number) {
  const response = await caught(contributionsApi(args(new Request(`${origin}/api/contributions?pr=${pr}`))));
  const body = (await response.json()) as {
    contributions: Array<{
      stages: Array<{ id: string }>;
      evidence: Array<{ rule: string; detail: string }>;
      correction: { id: number; by: string; reason: string } | null;
    }>;
  };
  return body.contributions[0];
}

/** Everything a refused write must leave alone. */
async function snapshot() {
  const count = async (table: "stageCorrections" | "auditEvents" | "auditEventPeople") =>
    Number(
      (
        await test.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const stages = await test.db
    .selectFrom("contributionStages")
    .select(["contributionId", "stageId"])
    .orderBy("contributionId")
    .orderBy("stageId")
    .execute();
  return {
    corrections: await count("stageCorrections"),
    events: await count("auditEvents"),
    eventPeople: await count("auditEventPeople"),
    stages,
  };
}

const reason = "Only moves optimizer tables; the real change is in Tools/jit";

describe("correcting a contribution's stages on a page", () => {
  it("sets the stages, survives reclassification and a re-import, moves the bus factor, and undoes", async () => {
    const { cookie, csrf } = await signIn(test.db, github, "steward-sam");
    const target = await contributionOf(135001);
    expect(await stagesOf(target.id)).toEqual(["middle-end"]);
    expect((await maintainers())["middle-end"]).toEqual(["alice-l"]);

    const returnTo = "/people/1?window=365";
    const set = await postForm(
      [
        ["csrf", csrf],
        ["intent", "set"],
        ["contribution", String(target.id)],
        ["stage", "backend"],
        ["reason", `  ${reason}  `],
        ["returnTo", returnTo],
      ],
      { cookie },
    );
    expect(set.status).toBe(303);
    expect(set.headers.get("Location")).toBe(`${returnTo}#contribution-${target.id}`);
    expect(await stagesOf(target.id)).toEqual(["backend"]);
    expect(await activityOf(target.id)).toEqual(["backend:Alice Liddell"]);
    // One middle-end contribution left: alice no longer meets the rule of two there (the cache follows).
    expect((await maintainers())["middle-end"]).toEqual([]);

    const shown = await apiContribution(135001);
    expect(shown?.stages).toEqual([{ id: "backend", score: 1 }]);
    expect(shown?.evidence).toEqual([
      expect.objectContaining({ rule: "correction", detail: `set by @steward-sam: ${reason}` }),
    ]);
    expect(shown?.correction).toMatchObject({ by: "steward-sam", reason });

    // The configuration changes: every verdict is made again, and the correction still stands.
    const changed = { ...getConfig(), version: "a-changed-configuration" };
    expect(await reclassifyStale(test.db, { config: changed })).toBeGreaterThan(10);
    expect(await stagesOf(target.id)).toEqual(["backend"]);
    // git brings the commit again after a push webhook stored it bare: its files and labels are redone.
    await test.db.updateTable("contributions").set({ source: "github" }).where("id", "=", target.id).execute();
    await store(test.db, changed, history);
    expect(
      await test.db.selectFrom("contributions").select("source").where("id", "=", target.id).executeTakeFirst(),
    ).toEqual({
      source: "git",
    });
    expect(await stagesOf(target.id)).toEqual(["backend"]);
    expect(await activityOf(target.id)).toEqual(["backend:Alice Liddell"]);

    // The contribution list shows the correction, with the undo form for a steward.
    const page = await contributionsPageLoader(
      args(new Request(`${origin}/contributions?stage=all&pr=135001`, { headers: { Cookie: cookie } })),
    );
    expect(page.writer).toEqual({ csrf });
    // The stage page's recent work carries the same forms for a steward, and none for a reader.
    const stageRequest = (headers: HeadersInit = {}) =>
      args(new Request(`${origin}/stages/backend`, { headers }), { stage: "backend" });
    expect((await stageLoader(stageRequest({ Cookie: cookie }))).writer).toEqual({ csrf });
    expect((await stageLoader(stageRequest())).writer).toBeNull();
    const listed = page.contributions.find((c) => c.id === target.id);
    expect(listed?.correction).toMatchObject({ login: "steward-sam", note: `set by @steward-sam: ${reason}` });
    const alice = await test.db
      .selectFrom("people")
      .select("id")
      .where("login", "=", "alice-l")
      .executeTakeFirstOrThrow();
    const personPage = await personLoader(args(new Request(`${origin}/people/${alice.id}`), { id: String(alice.id) }));
    expect(personPage.writer).toBeNull();
    expect(personPage.recent.find((c) => c.id === target.id)?.correction?.note).toBe(`set by @steward-sam: ${reason}`);

    const correctionId = listed?.correction?.id ?? 0;
    const undo = await postForm(
      [
        ["csrf", csrf],
        ["intent", "undo"],
        ["correction", String(correctionId)],
        ["returnTo", "/contributions?stage=all"],
      ],
      { cookie },
    );
    expect(undo.status).toBe(303);
    expect(undo.headers.get("Location")).toBe(`/contributions?stage=all#contribution-${target.id}`);
    expect(await stagesOf(target.id)).toEqual(["middle-end"]);
    expect(await activityOf(target.id)).toEqual(["middle-end:Alice Liddell"]);
    expect((await maintainers())["middle-end"]).toEqual(["alice-l"]);
    const restored = await apiContribution(135001);
    expect(restored?.correction).toBeNull();
    expect(restored?.evidence.map((e) => e.rule)).toEqual(expect.arrayContaining(["path", "umbrella"]));
    const undone = await test.db.selectFrom("stageCorrections").selectAll().executeTakeFirstOrThrow();
    expect(undone).toMatchObject({ undoneBy: "steward-sam", createdBy: "steward-sam", reason });

    // Both writes are in the audit trail, about alice, with the verdict before and after.
    const events = await listAuditEvents(test.db, { personId: alice.id });
    expect(events.map((e) => [e.action, e.stageId, e.login])).toEqual([
      ["undo stage correction", "middle-end", "steward-sam"],
      ["correct contribution stages", "backend", "steward-sam"],
    ]);
    expect(events[1]).toMatchObject({
      subject: `stage-correction ${correctionId}`,
      before: {
        stages: ["middle-end"],
        evidence: expect.arrayContaining([expect.objectContaining({ rule: "umbrella" })]),
      },
      after: { stages: ["backend"], evidence: [expect.objectContaining({ detail: `set by @steward-sam: ${reason}` })] },
    });
    expect(events[0]).toMatchObject({ before: { stages: ["backend"] }, after: { stages: ["middle-end"] } });
  });

  it("sets no stage when no box is ticked, and lets a newer correction win until it is undone", async () => {
    const { cookie, csrf } = await signIn(test.db, github, "steward-sam");
    const target = await contributionOf(140001);
    const correct = (stages: string[], why: string) =>
      postForm(
        [
          ["csrf", csrf],
          ["intent", "set"],
          ["contribution", String(target.id)],
          ...stages.map((s): [string, string] => ["stage", s]),
          ["reason", why],
        ],
        { cookie },
      );
    expect((await correct([], "a build fix, not JIT work")).status).toBe(303);
    expect(await stagesOf(target.id)).toEqual([]);
    expect(await activityOf(target.id)).toEqual([]);
    expect((await correct(["frontend", "backend"], "stencils and trace recording")).status).toBe(303);
    expect(await stagesOf(target.id)).toEqual(["backend", "frontend"]);
    const newest = await test.db
      .selectFrom("stageCorrections")
      .select("id")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    const undo = await postForm(
      [
        ["csrf", csrf],
        ["intent", "undo"],
        ["correction", String(newest.id)],
      ],
      { cookie },
    );
    expect(undo.headers.get("Location")).toBe(`/contributions#contribution-${target.id}`);
    // The older correction, never undone, stands again.
    expect(await stagesOf(target.id)).toEqual([]);
  });

  it("sends a GET back to the contributions", async () => {
    const response = await caught(correctionsPageLoader());
    expect(response.headers.get("Location")).toBe("/contributions");
  });
});

describe("correcting stages through the API", () => {
  it("sets a correction by PR number and by sha, lists it, and undoes it", async () => {
    const token = github.personalToken("steward-sam");
    const target = await contributionOf(140001);
    const created = await caught(
      correctionsApiAction(
        args(
          postJson(
            "/api/corrections",
            { contribution: "#140001", stages: ["middle-end"], reason: "stencil tables" },
            token,
          ),
        ),
      ),
    );
    expect(created.status).toBe(201);
    const { correction } = (await created.json()) as { correction: { id: number; standing: boolean } };
    expect(correction).toMatchObject({
      contribution: { id: target.id, pr: 140001 },
      stages: ["middle-end"],
      reason: "stencil tables",
      by: "steward-sam",
      standing: true,
      undoneAt: null,
    });
    expect(await stagesOf(target.id)).toEqual(["middle-end"]);
    expect((await apiContribution(140001))?.evidence.map((e) => e.detail)).toEqual([
      "set by @steward-sam: stencil tables",
    ]);

    const bySha = await caught(
      correctionsApiAction(
        args(
          postJson(
            "/api/corrections",
            { contribution: target.sha?.slice(0, 10), stages: [], reason: "on second thought" },
            token,
          ),
        ),
      ),
    );
    expect(bySha.status).toBe(201);
    expect(await stagesOf(target.id)).toEqual([]);

    const listed = await caught(correctionsApiLoader());
    const { corrections } = (await listed.json()) as {
      corrections: Array<{ id: number; reason: string; standing: boolean }>;
    };
    expect(corrections.map((c) => [c.reason, c.standing])).toEqual([
      ["on second thought", true],
      ["stencil tables", false],
    ]);

    const newest = corrections[0]?.id ?? 0;
    const undone = await caught(
      undoApiAction(args(postJson(`/api/corrections/${newest}/undo`, {}, token), { id: String(newest) })),
    );
    expect(undone.status).toBe(200);
    expect(await undone.json()).toMatchObject({ correction: { id: newest, undoneBy: "steward-sam", standing: false } });
    expect(await stagesOf(target.id)).toEqual(["middle-end"]);
    const again = await caught(
      undoApiAction(args(postJson(`/api/corrections/${newest}/undo`, {}, token), { id: String(newest) })),
    );
    expect(again.status).toBe(409);
    const events = await listAuditEvents(test.db);
    expect(events.map((e) => e.action)).toEqual([
      "undo stage correction",
      "correct contribution stages",
      "correct contribution stages",
    ]);
  });
});

describe("refused corrections change nothing", () => {
  const setFields = async (csrf: string): Promise<Array<[string, string]>> => [
    ["csrf", csrf],
    ["intent", "set"],
    ["contribution", String((await contributionOf(135001)).id)],
    ["stage", "backend"],
    ["reason", reason],
    ["returnTo", "/contributions?q=refcount"],
  ];

  it("sends a page write without a session to sign in, and back to the list", async () => {
    const before = await snapshot();
    const response = await postForm(await setFields("x"));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(
      `/auth/github?returnTo=${encodeURIComponent("/contributions?q=refcount")}`,
    );
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a signed-in person who is not a steward, a cross-site post and a wrong form token", async () => {
    const before = await snapshot();
    const nia = await signIn(test.db, github, "newcomer-nia");
    expect((await postForm(await setFields(nia.csrf), { cookie: nia.cookie })).status).toBe(403);
    const sam = await signIn(test.db, github, "steward-sam");
    expect(
      (await postForm(await setFields(sam.csrf), { cookie: sam.cookie, origin: "https://evil.example" })).status,
    ).toBe(403);
    expect((await postForm(await setFields("0".repeat(64)), { cookie: sam.cookie })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses bad page input with a 400 saying what to fix", async () => {
    const before = await snapshot();
    const { cookie, csrf } = await signIn(test.db, github, "steward-sam");
    const fields = await setFields(csrf);
    const without = (name: string) => fields.filter(([key]) => key !== name);
    const cases: Array<[Array<[string, string]>, RegExp]> = [
      [without("reason"), /reason/],
      [[...without("reason"), ["reason", " "]], /say why/],
      [[...without("reason"), ["reason", "x".repeat(501)]], /500 characters/],
      [[...fields, ["stage", "compiler"]], /configured stage/],
      [[...without("contribution"), ["contribution", "999999"]], /no contribution 999999/],
      [[...without("intent"), ["intent", "undo"], ["correction", "999999"]], /no correction 999999/],
    ];
    for (const [input, message] of cases) {
      const response = await postForm(input, { cookie });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses API writes without a steward's token (401, 403) or with bad input (400 naming the field)", async () => {
    const before = await snapshot();
    const good = { contribution: "#135001", stages: ["backend"], reason };
    const post = async (body: unknown, token?: string) => {
      const response = await caught(correctionsApiAction(args(postJson("/api/corrections", body, token))));
      return { status: response.status, error: ((await response.json()) as { error: string }).error };
    };
    expect((await post(good)).status).toBe(401);
    expect((await post(good, "ghp_not-a-token-github-knows")).status).toBe(401);
    expect((await post(good, github.personalToken("newcomer-nia"))).status).toBe(403);
    const token = github.personalToken("steward-sam");
    const bad: Array<[unknown, RegExp]> = [
      [{ ...good, stages: ["compiler"] }, /^stages\.0: must be a configured stage/],
      [{ ...good, stages: "backend" }, /^stages: /],
      [{ ...good, reason: undefined }, /^reason: say why/],
      [{ ...good, reason: "" }, /^reason: say why/],
      [{ ...good, contribution: undefined }, /^contribution: name the contribution/],
      [{ ...good, contribution: "#999999" }, /^contribution: Steward has no contribution #999999/],
      [{ ...good, contribution: "not a sha" }, /^contribution: must be a commit sha/],
    ];
    for (const [body, message] of bad) {
      const answer = await post(body, token);
      expect(answer.status).toBe(400);
      expect(answer.error).toMatch(message);
    }
    const undo = (token?: string, id = "1") =>
      caught(undoApiAction(args(postJson(`/api/corrections/${id}/undo`, {}, token), { id })));
    expect((await undo()).status).toBe(401);
    expect((await undo(github.personalToken("newcomer-nia"))).status).toBe(403);
    expect((await undo(token, "999999")).status).toBe(404);
    expect((await undo(token, "x")).status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});
