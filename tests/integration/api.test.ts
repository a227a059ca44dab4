import { beforeAll, describe, expect, it } from "vitest";
import { action as unknownApiAction, loader as unknownApi } from "../../app/routes/api.$";
import { action as busFactorAction, loader as busFactorApi } from "../../app/routes/api.bus-factor";
import { action as contributionsAction, loader as contributionsApi } from "../../app/routes/api.contributions";
import { action as tasksAction, loader as tasksApi } from "../../app/routes/api.tasks";
import { getDb } from "../../app/db.server";
import { addDays, todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { commit, knownHistory, people, starterTask, store } from "../support/factories";

const asOf = todayUtc();
setUpTestDatabase({ asAppDatabase: true });

async function get(
  loader: typeof busFactorApi,
  path: string,
): Promise<{ status: number; body: unknown; text: string }> {
  const response = await loader({ request: new Request(`http://steward.test${path}`), params: {}, context: {} });
  if (!(response instanceof Response)) throw new Error("API loaders answer with a Response");
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

interface BusFactorBody {
  asOf: string;
  windowDays: number;
  min: number;
  stages: Array<{
    id: string;
    goal: number;
    status: string;
    activeMaintainers: Array<{ id: number; login: string | null; name: string; contributions: number }>;
    contributorAbsenceFactor: number;
  }>;
}

function stage(body: unknown, id: string) {
  const found = (body as BusFactorBody).stages.find((s) => s.id === id);
  if (!found) throw new Error(`no stage ${id} in the answer`);
  return found;
}

beforeAll(async () => {
  const db = await getDb();
  const config = defaultConfig();
  await store(db, config, knownHistory(asOf));
  const bob = await db.selectFrom("people").select("id").where("login", "=", "bobb").executeTakeFirstOrThrow();
  await db
    .insertInto("starterTasks")
    .values([
      starterTask({ key: "134584#1", title: "_BINARY_OP_SUBSCR_LIST_INT" }),
      starterTask({
        key: "134584#2",
        title: "_STORE_SUBSCR_DICT",
        claimedByPersonId: bob.id,
        claimEvidence: "open PR #135010",
      }),
      starterTask({ key: "134584#3", title: "_LOAD_ATTR", state: "done" }),
      starterTask({
        key: "141000",
        title: "Document the <b>trace</b> format",
        stageId: "frontend",
        issueNumber: 141000,
        umbrellaNumber: null,
        labels: '["easy"]',
      }),
    ])
    .execute();
});

describe("GET /api/bus-factor", () => {
  it("counts active maintainers per stage under the default rule, bots excluded", async () => {
    const { status, body } = await get(busFactorApi, `/api/bus-factor?asOf=${asOf}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ asOf, windowDays: 180, min: 2 });
    const middle = stage(body, "middle-end");
    expect(middle.activeMaintainers.map((p) => p.name)).toEqual([people.alice.name]);
    expect(middle.activeMaintainers[0]).toMatchObject({ login: "alice-l", contributions: 2 });
    expect(middle.status).toBe("at-risk");
    // alice 2 and bob 1 in the window (the bot is not a contributor): alice alone makes half
    expect(middle.contributorAbsenceFactor).toBe(1);
    const backend = stage(body, "backend");
    expect(backend.activeMaintainers.map((p) => p.name).sort()).toEqual([people.carol.name, people.dave.name]);
    expect(backend.status).toBe("met");
    expect(backend.contributorAbsenceFactor).toBe(1);
    expect(stage(body, "frontend").activeMaintainers.map((p) => p.name)).toEqual([people.erin.name]);
  });

  it("moves the window with asOf and window, and the threshold with min", async () => {
    const narrow = await get(busFactorApi, `/api/bus-factor?asOf=${asOf}&window=30`);
    expect(stage(narrow.body, "middle-end").activeMaintainers).toEqual([]);
    expect(stage(narrow.body, "middle-end").status).toBe("unmet");

    const earlier = await get(busFactorApi, `/api/bus-factor?asOf=${addDays(asOf, -41)}`);
    expect(stage(earlier.body, "frontend").activeMaintainers).toEqual([]);

    const lenient = await get(busFactorApi, `/api/bus-factor?asOf=${asOf}&min=1`);
    expect(
      stage(lenient.body, "middle-end")
        .activeMaintainers.map((p) => p.name)
        .sort(),
    ).toEqual([people.alice.name, people.bob.name].sort());
    expect(
      stage(lenient.body, "frontend")
        .activeMaintainers.map((p) => p.name)
        .sort(),
    ).toEqual([people.erin.name, people.frank.name].sort());
  });

  it("never shows an e-mail address", async () => {
    const { text } = await get(busFactorApi, `/api/bus-factor?asOf=${asOf}&min=1`);
    expect(text).not.toMatch(/@example\.org|noreply/);
  });

  it.each([
    ["?asOf=2026-02-30", "asOf must be a calendar date"],
    ["?asOf=yesterday", "asOf must be a calendar date"],
    ["?window=0", "window must be at least 1"],
    ["?window=abc", "window must be a whole number"],
    ["?min=-1", "min must be a whole number"],
  ])("answers 400 to %s", async (query, message) => {
    const { status, body } = await get(busFactorApi, `/api/bus-factor${query}`);
    expect(status).toBe(400);
    expect((body as { error: string }).error).toContain(message);
  });
});

describe("GET /api/contributions", () => {
  interface Body {
    contributions: Array<{
      kind: string;
      sha: string;
      pr: number | null;
      title: string;
      stages: Array<{ id: string }>;
      authors: Array<{ name: string; role: string }>;
      evidence: Array<{ rule: string; detail: string }>;
    }>;
  }

  it("finds a contribution by PR with its authors, stages and evidence", async () => {
    const { status, body } = await get(contributionsApi, "/api/contributions?pr=135001");
    expect(status).toBe(200);
    const [found, ...rest] = (body as Body).contributions;
    expect(rest).toEqual([]);
    expect(found).toMatchObject({
      kind: "commit",
      pr: 135001,
      stages: [{ id: "middle-end" }],
      authors: [{ name: people.alice.name, role: "author" }],
    });
    expect(found?.evidence.map((e) => e.rule)).toEqual(
      expect.arrayContaining(["path", "generated-counted", "share", "umbrella"]),
    );

    const bySha = await get(contributionsApi, `/api/contributions?sha=${found?.sha.slice(0, 8)}`);
    expect((bySha.body as Body).contributions.map((c) => c.pr)).toEqual([135001]);
  });

  it("lists a stage's contributions and the unclassified ones, with the sweep's evidence", async () => {
    const backend = await get(contributionsApi, "/api/contributions?stage=backend");
    expect((backend.body as Body).contributions).toHaveLength(4);
    const none = await get(contributionsApi, "/api/contributions?stage=none");
    const sweep = (none.body as Body).contributions.find((c) => c.pr === 127001);
    expect(sweep?.evidence.find((e) => e.rule === "graze")?.detail).toContain("300 files");
    expect((none.body as Body).contributions.map((c) => c.title)).toContain("Tidy the eval loop");
  });

  it("lists a contribution's people by role, then as Steward first met them, on either database", async () => {
    // Carol and Dave are known from the history, Carol first; here Dave is named first. A database hands
    // equal rows back in whatever order its plan reads them (as written, or by an index): only the
    // query's own order makes SQLite and PostgreSQL, small tables and large ones, agree.
    const db = await getDb();
    await store(db, defaultConfig(), [
      commit({
        day: addDays(asOf, -3),
        title: "Document the JIT's build steps",
        author: people.erin,
        coAuthors: [people.dave, people.carol],
        files: [{ path: "Doc/howto/jit.rst", added: 40, deleted: 0 }],
        pr: 140777,
      }),
    ]);
    try {
      const { body } = await get(contributionsApi, "/api/contributions?pr=140777");
      expect((body as Body).contributions[0]?.authors.map((a) => [a.role, a.name])).toEqual([
        ["author", people.erin.name],
        ["co-author", people.carol.name],
        ["co-author", people.dave.name],
      ]);
    } finally {
      await db.deleteFrom("contributions").where("prNumber", "=", 140777).execute();
    }
  });

  it("answers 404 to an unknown stage and 400 to a bad number", async () => {
    expect((await get(contributionsApi, "/api/contributions?stage=compiler")).status).toBe(404);
    const bad = await get(contributionsApi, "/api/contributions?pr=12abc");
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: "pr must be a whole number" });
  });
});

describe("GET /api/tasks", () => {
  interface Body {
    tasks: Array<{
      key: string;
      state: string;
      claimed: boolean;
      title: string;
      claimedBy: { name: string } | null;
      suggestedMentors: Array<{ name: string }>;
    }>;
  }

  it("lists free and claimed open tasks with the stage's maintainers as mentors", async () => {
    const { body } = await get(tasksApi, "/api/tasks?stage=middle-end");
    const tasks = (body as Body).tasks;
    expect(tasks.map((t) => t.key)).toEqual(["134584#1", "134584#2"]);
    expect(tasks[1]).toMatchObject({ claimed: true, claimedBy: { name: people.bob.name } });
    expect(tasks[0]?.suggestedMentors.map((m) => m.name)).toEqual([people.alice.name]);
  });

  it("filters by state", async () => {
    const free = await get(tasksApi, "/api/tasks?state=free");
    expect((free.body as Body).tasks.map((t) => t.key).sort()).toEqual(["134584#1", "141000"]);
    const done = await get(tasksApi, "/api/tasks?state=done");
    expect((done.body as Body).tasks.map((t) => t.key)).toEqual(["134584#3"]);
    const all = await get(tasksApi, "/api/tasks?state=all&stage=frontend");
    expect((all.body as Body).tasks.map((t) => t.title)).toEqual(["Document the <b>trace</b> format"]);
    expect((await get(tasksApi, "/api/tasks?state=stale")).status).toBe(400);
    expect((await get(tasksApi, "/api/tasks?stage=nope")).status).toBe(404);
  });

  it("frees a task whose claim by comment is older than 30 days, though no sync has touched it", async () => {
    const db = await getDb();
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const bob = await db
      .selectFrom("people")
      .select("id")
      .where("name", "=", people.bob.name)
      .executeTakeFirstOrThrow();
    // Read once: the answer names its day, which must not move to the next one between writing and reading.
    const lapsedClaim = daysAgo(31);
    await db
      .insertInto("starterTasks")
      .values([
        starterTask({
          key: "134584#4",
          title: "_CALL_LEN",
          claimedByPersonId: bob.id,
          claimEvidence: "claimed in a comment",
          claimedAt: lapsedClaim,
        }),
        starterTask({
          key: "134584#5",
          title: "_GET_ITER",
          claimedByPersonId: bob.id,
          claimEvidence: "claimed in a comment",
          claimedAt: daysAgo(29),
        }),
      ])
      .execute();
    try {
      const free = (await get(tasksApi, "/api/tasks?state=free&stage=middle-end")).body as Body & {
        tasks: Array<{ claimEvidence: string | null }>;
      };
      expect(free.tasks.map((t) => t.key)).toEqual(["134584#1", "134584#4"]);
      expect(free.tasks[1]).toMatchObject({ claimed: false, claimedBy: null });
      expect(free.tasks[1]?.claimEvidence).toBe(`bobb's claim of ${lapsedClaim.slice(0, 10)} lapsed after 30 days`);
      const claimed = (await get(tasksApi, "/api/tasks?state=claimed&stage=middle-end")).body as Body;
      expect(claimed.tasks.map((t) => t.key)).toEqual(["134584#2", "134584#5"]);
    } finally {
      await db.deleteFrom("starterTasks").where("key", "in", ["134584#4", "134584#5"]).execute();
    }
  });
});

/** The headers every answer of Steward carries (see app/http.server.ts). */
function expectSecurityHeaders(response: Response) {
  expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
}

describe("API errors and headers", () => {
  it("answers JSON with the security headers, errors included", async () => {
    const request = (path: string) => ({ request: new Request(`http://steward.test${path}`), params: {}, context: {} });
    for (const response of [
      await busFactorApi(request("/api/bus-factor")),
      await busFactorApi(request("/api/bus-factor?window=x")),
      await contributionsApi(request("/api/contributions?page=2")),
      await tasksApi(request("/api/tasks?stage=nope")),
    ]) {
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expectSecurityHeaders(response);
    }
  });

  it("answers a window over the maximum with a 400 that names it", async () => {
    expect(await get(busFactorApi, "/api/bus-factor?window=731")).toMatchObject({
      status: 400,
      body: { error: "window must be at most 730 days" },
    });
    expect((await get(busFactorApi, "/api/bus-factor?window=730")).status).toBe(200);
  });

  it("answers any method but GET with a JSON 405 and an Allow header", async () => {
    for (const action of [busFactorAction, contributionsAction, tasksAction]) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        const response = await action({
          request: new Request("http://steward.test/api/x", { method, body: "{}" }),
          params: {},
          context: {},
        });
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe("GET, HEAD");
        expect(await response.json()).toEqual({
          error: `${method} is not allowed here; this API answers GET (and HEAD).`,
        });
        expectSecurityHeaders(response);
      }
    }
  });

  it("answers an unknown /api/ path with a JSON 404, whatever the method", async () => {
    const args = (method: string) => ({
      request: new Request("http://steward.test/api/bus-factors/x", { method }),
      params: { "*": "bus-factors/x" },
      context: {},
    });
    for (const response of [await unknownApi(args("GET")), await unknownApiAction(args("POST"))]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: expect.stringContaining("There is no API endpoint /api/bus-factors/x."),
      });
      expectSecurityHeaders(response);
    }
  });
});
