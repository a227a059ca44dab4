// What issue 9 asked of the pages' content: each person once with a summary, at most three mentors (the
// most recently active), JIT work by default on /contributions with title and person search, the
// "How Steward counts" numbers from the configuration, and a 404 that leads on.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/db.server";
import { loader as contributionsApi } from "../../app/routes/api.contributions";
import { loader as tasksApi } from "../../app/routes/api.tasks";
import { loader as contributionsLoader } from "../../app/routes/contributions";
import { loader as howLoader } from "../../app/routes/how-steward-counts";
import { loader as stageLoader } from "../../app/routes/stages.$stage";
import { loader as tasksLoader } from "../../app/routes/tasks";
import { addDays, todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { commit, stageFiles, starterTask, store } from "../support/factories";

setUpTestDatabase({ asAppDatabase: true });
const asOf = todayUtc();
const ago = (days: number) => addDays(asOf, -days);

const args = (path: string, params: Record<string, string> = {}) => ({
  request: new Request(`http://steward.test${path}`),
  params,
  context: {},
});

// Five middle-end maintainers: the most credited worked longest ago; "recent" ones did little but lately.
const maintainers = [
  { name: "Mark Old", email: "mark@example.org", login: "markold", works: 9, lastDay: 150 },
  { name: "Brandt Middle", email: "brandt@example.org", login: "brandtm", works: 6, lastDay: 60 },
  { name: "kenjin", email: "12+kenjin@users.noreply.github.com", login: "kenjin", works: 2, lastDay: 3 },
  { name: "Savannah New", email: "sav@example.org", login: "savnew", works: 2, lastDay: 10 },
  { name: "Diego Mid", email: "diego@example.org", login: "diegom", works: 3, lastDay: 30 },
];
const reviewer = { name: "Rita Reviewer", email: "rita@example.org", login: "ritar" };

beforeAll(async () => {
  await store(await getDb(), defaultConfig(), [
    ...maintainers.flatMap((m) =>
      Array.from({ length: m.works }, (_, i) =>
        commit({
          day: ago(m.lastDay + i),
          title: `gh-134584: Eliminate refcounting in \`_OP_${m.login}_${i}\``,
          author: m,
          files: stageFiles["middle-end"],
          refs: [134584],
        }),
      ),
    ),
    // Rita authors one and approves two: 3 contributions, credit 3; another comments once more (0.5).
    commit({
      day: ago(5),
      title: "Tidy the uop optimizer's symbols",
      author: reviewer,
      files: stageFiles["middle-end"],
    }),
    ...[1, 2, 3].map((n) => ({
      ...commit({
        day: ago(6 + n),
        title: `Optimizer: narrow types after guard ${n}`,
        author: maintainers[0] ?? reviewer,
        files: stageFiles["middle-end"],
      }),
      people: [
        { identity: maintainers[0] ?? reviewer, role: "author" as const },
        { identity: reviewer, role: "reviewer" as const, weight: n === 3 ? 0.5 : 1 },
      ],
    })),
    commit({ day: ago(4), title: "Fix a typo in the tutorial (100% of it)", author: reviewer, files: [] }),
    commit({
      day: ago(4),
      title: "Docs: explain the_underscore and 100% coverage",
      author: maintainers[1] ?? reviewer,
      files: [{ path: "Doc/whatsnew/3.15.rst", added: 3, deleted: 0 }],
    }),
  ]);
  const db = await getDb();
  await db
    .insertInto("starterTasks")
    .values([
      starterTask({ key: "134584#1", title: "`_BINARY_OP_ADD_INT`" }),
      starterTask({ key: "134584#2", title: "`_LOAD_ATTR_SLOT`" }),
    ])
    .execute();
});

describe("stage page: each person once", () => {
  it("summarises each maintainer in one line, and says a review's lower credit only where it differs", async () => {
    const data = await stageLoader(args("/stages/middle-end", { stage: "middle-end" }));
    const byLogin = new Map(data.maintainers.map((m) => [m.login, m]));
    expect(new Set(data.maintainers.map((m) => m.id)).size).toBe(data.maintainers.length);
    expect(byLogin.get("markold")).toMatchObject({
      summary: "12 contributions",
      parts: "all authored",
      authored: 12,
      reviewed: 0,
      lastActive: ago(4 + 3).slice(0, 10),
    });
    expect(byLogin.get("ritar")).toMatchObject({
      summary: "4 contributions, credit 3.5",
      parts: "1 authored, 3 reviewed",
      authored: 1,
      reviewed: 3,
    });
    expect(byLogin.get("kenjin")?.lastActive).toBe(ago(3));
    // The umbrella reference every one of Brandt's stage contributions shares is said once.
    expect(byLogin.get("brandtm")?.sharedEvidence.join(" ")).toContain("gh-134584");
    expect(byLogin.get("brandtm")?.credited.every((c) => !c.evidence.join(" ").includes("gh-134584"))).toBe(true);
  });

  it("names at most three mentors: the most recently active maintainers, not the most credited", async () => {
    // Mark authored a reviewed PR a week ago; Brandt, the second most credited, last worked two months ago.
    const recent = ["kenjin", "ritar", "markold"];
    const stage = await stageLoader(args("/stages/middle-end", { stage: "middle-end" }));
    expect(stage.mentors.map((m) => m.login)).toEqual(recent);
    expect(stage.maintainers.map((m) => m.login)).toContain("brandtm");
    const tasks = await tasksLoader(args("/tasks?stage=middle-end"));
    expect(tasks.groups[0]?.mentors.map((m) => m.login)).toEqual(recent);
    const api = (await (await tasksApi(args("/api/tasks"))).json()) as {
      tasks: Array<{ suggestedMentors: Array<{ login: string }> }>;
    };
    for (const task of api.tasks) expect(task.suggestedMentors.map((m) => m.login)).toEqual(recent);
  });

  it("answers an unknown stage with a 404 carrying the stages to link to", async () => {
    let thrown: unknown;
    try {
      await stageLoader(args("/stages/compiler", { stage: "compiler" }));
    } catch (error) {
      thrown = error;
    }
    if (!(thrown instanceof Response)) throw new Error("expected a Response");
    expect(thrown.status).toBe(404);
    expect(await thrown.json()).toEqual({
      error: 'There is no stage "compiler".',
      stages: [
        { id: "frontend", name: "Frontend" },
        { id: "middle-end", name: "Middle-end" },
        { id: "backend", name: "Backend" },
      ],
    });
  });
});

describe("/contributions", () => {
  const titles = async (query: string) =>
    (await contributionsLoader(args(`/contributions${query}`))).contributions.map((c) => c.title);

  it("shows JIT work by default, everything on request", async () => {
    const jit = await titles("");
    expect(jit).not.toContain("Fix a typo in the tutorial (100% of it)");
    expect(jit.length).toBeGreaterThan(0);
    expect(await titles("?stage=all")).toContain("Fix a typo in the tutorial (100% of it)");
    expect(await titles("?stage=none")).toEqual([
      "Docs: explain the_underscore and 100% coverage",
      "Fix a typo in the tutorial (100% of it)",
    ]);
  });

  it("searches titles case-insensitively, with % and _ meaning themselves", async () => {
    expect(await titles("?q=NARROW%20TYPES")).toEqual([
      "Optimizer: narrow types after guard 1",
      "Optimizer: narrow types after guard 2",
      "Optimizer: narrow types after guard 3",
    ]);
    expect(await titles("?stage=all&q=100%25")).toEqual([
      "Docs: explain the_underscore and 100% coverage",
      "Fix a typo in the tutorial (100% of it)",
    ]);
    // "_" is no wildcard: "the_u" does not match "the u".
    expect(await titles("?stage=all&q=the_underscore")).toEqual(["Docs: explain the_underscore and 100% coverage"]);
    expect(await titles("?stage=all&q=e_t")).toEqual([]);
  });

  it("searches people by name or @login", async () => {
    expect((await titles("?who=rita")).length).toBe(4);
    expect(await titles("?who=%40ritar&q=tidy")).toEqual(["Tidy the uop optimizer's symbols"]);
    expect(await titles("?stage=all&who=RITA&q=typo")).toEqual(["Fix a typo in the tutorial (100% of it)"]);
    expect(await titles("?who=nobody-here")).toEqual([]);
  });

  it("keeps the API's default of all contributions, and gives it the searches", async () => {
    const api = async (query: string) =>
      (
        (await (await contributionsApi(args(`/api/contributions${query}`))).json()) as {
          contributions: { title: string }[];
        }
      ).contributions.map((c) => c.title);
    expect(await api("")).toContain("Fix a typo in the tutorial (100% of it)");
    expect(await api("?q=typo&who=ritar")).toEqual(["Fix a typo in the tutorial (100% of it)"]);
    expect(await api("?stage=all&q=typo")).toEqual(["Fix a typo in the tutorial (100% of it)"]);
  });
});

describe("How Steward counts", () => {
  it("states the configuration's numbers", async () => {
    const config = defaultConfig();
    const data = await howLoader();
    expect(data).toMatchObject({
      windowDays: config.maintainerRule.windowDays,
      minCredit: config.maintainerRule.minCredit,
      minStageShare: config.config.classification.minStageShare,
      reviewWeights: { approved: 1, commented: 0.5 },
      returnWindowDays: config.config.onboarding.returnWindowDays,
    });
    expect(data.stages.map((s) => [s.id, s.goal])).toEqual(config.config.stages.map((s) => [s.id, s.goal]));
    expect(data.umbrellas.filter((u) => u.starterTrack).map((u) => u.number)).toEqual([134584, 145866, 131798]);
  });
});
