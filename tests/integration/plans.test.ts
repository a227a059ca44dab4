import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { action as plansAction } from "../../app/routes/plans";
import { action as goalsAction } from "../../app/routes/goals";
import { action as apiPlansAction, loader as apiPlansLoader } from "../../app/routes/api.plans";
import { action as apiPlanAction, loader as apiPlanLoader } from "../../app/routes/api.plans.$id";
import { action as apiGoalsAction, loader as apiGoalsLoader } from "../../app/routes/api.goals";
import { loader as apiTasksLoader } from "../../app/routes/api.tasks";
import { loader as tasksLoader } from "../../app/routes/tasks";
import { loader as stageLoader } from "../../app/routes/stages.$stage";
import { loader as planningLoader } from "../../app/routes/planning";
import { loader as dashboardLoader } from "../../app/routes/_index";
import { loader as personLoader } from "../../app/routes/people.$id";
import { loader as howLoader } from "../../app/routes/how-steward-counts";
import { loader as auditApiLoader } from "../../app/routes/api.audit";
import { addDays, todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { commit, knownHistory, stageFiles, starterTask, store } from "../support/factories";
import { generateRepository } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";
import { args, caught, origin, signIn } from "../support/sign-in";

// Mentoring plans that pick starter tasks and are edited, and dated stage goals: every write through the
// planning page's forms and through the JSON API, every refusal changing nothing, and where they show.
const test = setUpTestDatabase({ asAppDatabase: true });
let github: GitHubSimulator;
const saved = { ...process.env };
const today = todayUtc();
// A stage goal's date, months ahead whenever the suite runs: a fixed date would be overdue one day.
const dueBy = addDays(today, 90);

beforeAll(async () => {
  github = await startGitHubSimulator({
    repository: generateRepository({ now: `${today}T12:00:00Z`, pullRequests: 5 }),
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
  // alice-l maintains the middle-end today; newcomer-nia has one middle-end commit (credit 1 of 2).
  const nia = { name: "Nia Newcomer", email: "nia@example.org", login: "newcomer-nia" };
  await store(test.db, defaultConfig(), [
    ...knownHistory(today),
    commit({ day: addDays(today, -5), title: "Fold constant tuples", author: nia, files: stageFiles["middle-end"] }),
  ]);
  await test.db
    .insertInto("starterTasks")
    .values([
      starterTask({ key: "134584#1", title: "Eliminate refcounting from `_LOAD_FAST`" }),
      starterTask({ key: "134584#2", title: "Eliminate refcounting from `_STORE_FAST`" }),
      starterTask({
        key: "140002",
        title: "JIT: smaller stencils",
        stageId: "backend",
        issueNumber: 140002,
        umbrellaNumber: null,
      }),
    ])
    .execute();
});
afterAll(async () => {
  process.env = saved;
  await github.close();
});

beforeEach(async () => {
  await test.db.deleteFrom("auditEventPeople").execute();
  await test.db.deleteFrom("auditEvents").execute();
  await test.db.deleteFrom("mentoringPlanTasks").execute();
  await test.db.deleteFrom("mentoringPlans").execute();
  await test.db.deleteFrom("stageGoals").execute();
});

async function counts() {
  const n = async (table: "mentoringPlans" | "mentoringPlanTasks" | "stageGoals" | "auditEvents") =>
    Number(
      (
        await test.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    plans: await n("mentoringPlans"),
    tasks: await n("mentoringPlanTasks"),
    goals: await n("stageGoals"),
    events: await n("auditEvents"),
  };
}
const nothing = { plans: 0, tasks: 0, goals: 0, events: 0 };

function postForm(
  action: typeof plansAction,
  pathname: string,
  fields: Array<[string, string]>,
  { cookie, from = origin }: { cookie?: string; from?: string } = {},
) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: from });
  if (cookie) headers.set("Cookie", cookie);
  const body = new URLSearchParams(fields);
  return caught(action(args(new Request(`${origin}${pathname}`, { method: "POST", headers, body }))));
}

function postJson(
  action: typeof apiPlansAction,
  pathname: string,
  body: unknown,
  { token, method = "POST", params = {} }: { token?: string; method?: string; params?: Record<string, string> } = {},
) {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const request = new Request(`${origin}${pathname}`, {
    method,
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return caught(action(args(request, params)));
}

const planFields: Array<[string, string]> = [
  ["intent", "add"],
  ["stage", "middle-end"],
  ["mentor", "alice-l"],
  ["mentee", "@newcomer-nia"],
  ["aim", "second maintainer of the middle-end by 2027-03-01"],
  ["notes", "pairs on Tuesdays"],
  ["tasks", "134584#1"],
  ["tasks", "134584#2"],
];

/** The audit trail as `GET /api/audit?…` answers it, `before` and `after` as objects. */
async function auditEvents(query: string) {
  const response = await caught(auditApiLoader(args(new Request(`${origin}/api/audit?${query}`))));
  return (
    (await response.json()) as {
      events: Array<{ login: string; action: string; stageId: string | null; before: unknown; after: unknown }>;
    }
  ).events;
}

async function personId(login: string) {
  const row = await test.db.selectFrom("people").select("id").where("login", "=", login).executeTakeFirstOrThrow();
  return row.id;
}

async function addPlanByApi(token: string, tasks = ["134584#1"]) {
  const response = await postJson(
    apiPlansAction,
    "/api/plans",
    { stage: "middle-end", mentor: "alice-l", mentee: "newcomer-nia", aim: "review the optimizer", tasks },
    { token },
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { plan: { id: number } }).plan.id;
}

describe("mentoring plans from the planning page", () => {
  it("adds a plan with picked tasks, edits its aim, notes and tasks, each with its audit event about both people", async () => {
    const { cookie, csrf } = await signIn(test.db, github, "alice-l");
    const added = await postForm(plansAction, "/plans", [...planFields, ["csrf", csrf]], { cookie });
    expect(added.status).toBe(303);
    const plan = await test.db.selectFrom("mentoringPlans").selectAll().executeTakeFirstOrThrow();
    expect(added.headers.get("Location")).toBe(`/planning#plan-${plan.id}`);
    expect(plan).toMatchObject({
      aim: "second maintainer of the middle-end by 2027-03-01",
      notes: "pairs on Tuesdays",
    });
    const picked = await test.db.selectFrom("mentoringPlanTasks").select("taskKey").orderBy("taskKey").execute();
    expect(picked.map((t) => t.taskKey)).toEqual(["134584#1", "134584#2"]);

    const edited = await postForm(
      plansAction,
      "/plans",
      [
        ["intent", "edit"],
        ["id", String(plan.id)],
        ["aim", "own the uop optimizer's refcounting"],
        ["notes", ""],
        ["tasks", "134584#2"],
        ["csrf", csrf],
      ],
      { cookie },
    );
    expect(edited.status).toBe(303);
    expect(await counts()).toEqual({ plans: 1, tasks: 1, goals: 0, events: 2 });

    const audit = await auditEvents("about=newcomer-nia");
    expect(audit.map((e) => e.action)).toEqual(["change mentoring plan", "add mentoring plan"]);
    expect(audit[0]).toMatchObject({
      login: "alice-l",
      before: { aim: "second maintainer of the middle-end by 2027-03-01", tasks: ["134584#1", "134584#2"] },
      after: { aim: "own the uop optimizer's refcounting", notes: "", tasks: ["134584#2"] },
    });
    expect(audit[1]).toMatchObject({ before: null, after: { tasks: ["134584#1", "134584#2"] } });
    const aboutMentor = await auditEvents("about=alice-l");
    expect(aboutMentor).toHaveLength(2);
  });

  it("shows the plan with the mentee's credit, trend and tasks on the planning page and on both people's pages", async () => {
    const { cookie, csrf } = await signIn(test.db, github, "alice-l");
    await postForm(plansAction, "/plans", [...planFields, ["csrf", csrf]], { cookie });
    // As of the day the history was written for: the trend's last month is that day's.
    const page = await planningLoader(
      args(new Request(`${origin}/planning?asOf=${today}`, { headers: { Cookie: cookie } })),
    );
    const [plan] = page.mentoring;
    expect(plan?.creditText).toBe("1 of the 2 needed");
    expect(plan?.trend).toHaveLength(6);
    expect(plan?.trend.at(-1)).toEqual({ month: today.slice(0, 7), value: 1 });
    expect(plan?.tasks.map((t) => [t.key, t.title])).toEqual([
      ["134584#1", "Eliminate refcounting from `_LOAD_FAST`"],
      ["134584#2", "Eliminate refcounting from `_STORE_FAST`"],
    ]);
    // A steward's forms offer the stage's open tasks (not the backend's) to pick.
    expect(page.taskChoices["middle-end"]?.map((t) => t.key)).toEqual(["134584#1", "134584#2"]);
    expect(page.taskChoices.backend?.map((t) => t.key)).toEqual(["140002"]);
    for (const login of ["alice-l", "newcomer-nia"]) {
      const id = await personId(login);
      const person = await personLoader(args(new Request(`${origin}/people/${id}`), { id: String(id) }));
      expect(person.mentoring.map((p) => [p.aim, p.tasks.map((t) => t.key)])).toEqual([
        ["second maintainer of the middle-end by 2027-03-01", ["134584#1", "134584#2"]],
      ]);
    }
  });

  it("refuses a task that does not exist or belongs to another stage, and an unknown person, naming the field", async () => {
    const { cookie, csrf } = await signIn(test.db, github, "alice-l");
    const cases: Array<[Array<[string, string]>, RegExp]> = [
      [[...planFields, ["tasks", "999999"]], /tasks\.2 there is no starter task "999999"/],
      [[...planFields, ["tasks", "140002"]], /tasks\.2 starter task "140002" is a backend task, not middle-end/],
      [
        planFields.map(([k, v]) => [k, k === "mentee" ? "nobody-here" : v]),
        /mentee Steward knows nobody with the login @nobody-here/,
      ],
      [planFields.map(([k, v]) => [k, k === "stage" ? "optimizer" : v]), /stage there is no stage "optimizer"/],
      [planFields.map(([k, v]) => [k, k === "aim" ? " " : v]), /aim must say what the plan aims at/],
    ];
    for (const [fields, message] of cases) {
      const response = await postForm(plansAction, "/plans", [...fields, ["csrf", csrf]], { cookie });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
    }
    expect(await counts()).toEqual(nothing);

    await postForm(plansAction, "/plans", [...planFields, ["csrf", csrf]], { cookie });
    const { id } = await test.db.selectFrom("mentoringPlans").select("id").executeTakeFirstOrThrow();
    const before = await counts();
    const edit = (tasks: string) =>
      postForm(
        plansAction,
        "/plans",
        [
          ["intent", "edit"],
          ["id", String(id)],
          ["aim", "x"],
          ["tasks", tasks],
          ["csrf", csrf],
        ],
        { cookie },
      );
    expect((await edit("140002")).status).toBe(400);
    const missing = await postForm(
      plansAction,
      "/plans",
      [
        ["intent", "status"],
        ["id", "9999"],
        ["status", "done"],
        ["csrf", csrf],
      ],
      { cookie },
    );
    expect(missing.status).toBe(400);
    expect(await counts()).toEqual(before);
    const stored = await test.db.selectFrom("mentoringPlans").select("aim").executeTakeFirstOrThrow();
    expect(stored.aim).toBe("second maintainer of the middle-end by 2027-03-01");
  });

  it("refuses edits without a session, from a non-steward and without the form token, changing nothing", async () => {
    const { cookie, csrf } = await signIn(test.db, github, "alice-l");
    await postForm(plansAction, "/plans", [...planFields, ["csrf", csrf]], { cookie });
    const { id } = await test.db.selectFrom("mentoringPlans").select("id").executeTakeFirstOrThrow();
    const edit: Array<[string, string]> = [
      ["intent", "edit"],
      ["id", String(id)],
      ["aim", "changed"],
    ];
    const before = await counts();

    const anonymous = await postForm(plansAction, "/plans", [...edit, ["csrf", csrf]]);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("Location")).toMatch(/^\/auth\/github\?returnTo=/);
    const nia = await signIn(test.db, github, "newcomer-nia");
    expect((await postForm(plansAction, "/plans", [...edit, ["csrf", nia.csrf]], { cookie: nia.cookie })).status).toBe(
      403,
    );
    expect((await postForm(plansAction, "/plans", [...edit, ["csrf", "0".repeat(64)]], { cookie })).status).toBe(403);
    expect(
      (await postForm(plansAction, "/plans", [...edit, ["csrf", csrf]], { cookie, from: "https://evil.example" }))
        .status,
    ).toBe(403);

    expect(await counts()).toEqual(before);
    const stored = await test.db.selectFrom("mentoringPlans").select("aim").executeTakeFirstOrThrow();
    expect(stored.aim).toBe("second maintainer of the middle-end by 2027-03-01");
  });
});

describe("stage goals from the planning page", () => {
  it("sets a goal with who and when, audited from the configuration's goal to the new one", async () => {
    const { cookie, csrf } = await signIn(test.db, github, "steward-sam");
    const response = await postForm(
      goalsAction,
      "/goals",
      [
        ["stage", "backend"],
        ["target", "3"],
        ["by", dueBy],
        ["csrf", csrf],
      ],
      { cookie },
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/planning#goal-backend");
    const goal = await test.db.selectFrom("stageGoals").selectAll().executeTakeFirstOrThrow();
    expect(goal).toMatchObject({ stageId: "backend", target: 3, dueOn: dueBy, updatedBy: "steward-sam" });
    const audit = await auditEvents("stage=backend");
    expect(audit).toEqual([
      expect.objectContaining({
        action: "set stage goal",
        before: { stageId: "backend", target: 2, dueOn: null, updatedAt: null, updatedBy: null },
        after: expect.objectContaining({ target: 3, dueOn: dueBy, updatedBy: "steward-sam" }),
      }),
    ]);
    const page = await planningLoader(args(new Request(`${origin}/planning`)));
    expect(page.goals.backend).toMatchObject({
      text: `3 by ${dueBy}, 2 now`,
      overdue: false,
      updatedBy: "steward-sam",
    });
    expect(page.goals.frontend).toMatchObject({ text: "2 wanted (no date set), 1 now", updatedBy: null });
  });

  it("refuses a bad goal (400 naming the field), no session, a non-steward and a bad form token, changing nothing", async () => {
    const { cookie, csrf } = await signIn(test.db, github, "steward-sam");
    const goal = (fields: Record<string, string>) =>
      Object.entries({ stage: "backend", target: "3", by: dueBy, ...fields });
    for (const [fields, message] of [
      [{ target: "0" }, /target must be at least 1/],
      [{ target: "" }, /target must be a whole number/],
      [{ by: "2027-02-30" }, /by must be a calendar date/],
      [{ stage: "optimizer" }, /stage there is no stage "optimizer"/],
    ] as const) {
      const response = await postForm(goalsAction, "/goals", [...goal(fields), ["csrf", csrf]], { cookie });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
    }
    const anonymous = await postForm(goalsAction, "/goals", [...goal({}), ["csrf", csrf]]);
    expect(anonymous.headers.get("Location")).toMatch(/^\/auth\/github/);
    const nia = await signIn(test.db, github, "newcomer-nia");
    expect(
      (await postForm(goalsAction, "/goals", [...goal({}), ["csrf", nia.csrf]], { cookie: nia.cookie })).status,
    ).toBe(403);
    expect((await postForm(goalsAction, "/goals", goal({}), { cookie })).status).toBe(403);
    expect(await counts()).toEqual(nothing);
  });
});

describe("the plans and goals API", () => {
  it("creates, reads and changes a plan with a steward's token, answering the stored record", async () => {
    const token = github.personalToken("steward-sam");
    const created = await postJson(
      apiPlansAction,
      "/api/plans",
      {
        stage: "middle-end",
        mentor: "@alice-l",
        mentee: "newcomer-nia",
        aim: "second maintainer",
        notes: "weekly",
        tasks: ["134584#1"],
      },
      { token },
    );
    expect(created.status).toBe(201);
    const { plan } = (await created.json()) as { plan: { id: number } };
    expect(plan).toMatchObject({
      stage: "middle-end",
      mentor: { login: "alice-l" },
      mentee: { login: "newcomer-nia" },
      aim: "second maintainer",
      notes: "weekly",
      status: "active",
      updatedBy: "steward-sam",
      tasks: [{ key: "134584#1", title: "Eliminate refcounting from `_LOAD_FAST`", issue: 134584, state: "open" }],
    });

    const changed = await postJson(
      apiPlanAction,
      `/api/plans/${plan.id}`,
      { status: "paused", tasks: ["134584#2"] },
      { token, params: { id: String(plan.id) } },
    );
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({
      plan: { id: plan.id, status: "paused", aim: "second maintainer", tasks: [{ key: "134584#2" }] },
    });

    const one = await caught(
      apiPlanLoader(args(new Request(`${origin}/api/plans/${plan.id}`), { id: String(plan.id) })),
    );
    expect(await one.json()).toMatchObject({ plan: { status: "paused" } });
    const list = await caught(apiPlansLoader(args(new Request(`${origin}/api/plans?stage=middle-end`))));
    expect(((await list.json()) as { plans: unknown[] }).plans).toHaveLength(1);
    const otherStage = await caught(apiPlansLoader(args(new Request(`${origin}/api/plans?stage=backend`))));
    expect(await otherStage.json()).toEqual({ plans: [] });

    const audit = await auditEvents("about=alice-l");
    expect(audit.map((e) => [e.login, e.action])).toEqual([
      ["steward-sam", "change mentoring plan"],
      ["steward-sam", "add mentoring plan"],
    ]);
    expect(audit[0]).toMatchObject({
      before: { status: "active", tasks: ["134584#1"] },
      after: { status: "paused", tasks: ["134584#2"] },
    });
  });

  it("refuses a missing, unknown or non-steward token and bad input, naming the field, and writes nothing", async () => {
    const sam = github.personalToken("steward-sam");
    const good = { stage: "middle-end", mentor: "alice-l", mentee: "newcomer-nia", aim: "second maintainer" };
    const refusals: Array<[unknown, string | undefined, number, RegExp]> = [
      [good, undefined, 401, /Authorization: Bearer/],
      [good, "ghp_not-a-token-github-knows", 401, /GitHub does not accept this token/],
      [good, github.personalToken("newcomer-nia"), 403, /@newcomer-nia may read but not write/],
      [{ ...good, stage: "optimizer" }, sam, 400, /^stage: there is no stage "optimizer"/],
      [{ ...good, mentor: "nobody-here" }, sam, 400, /^mentor: Steward knows nobody with the login @nobody-here/],
      [{ ...good, mentor: "Newcomer-Nia" }, sam, 400, /^mentee: must be someone other than the mentor/],
      [{ ...good, tasks: ["134584#1", "999999"] }, sam, 400, /^tasks\.1: there is no starter task "999999"/],
      [{ ...good, tasks: ["140002"] }, sam, 400, /^tasks\.0: starter task "140002" is a backend task/],
      [{ ...good, aim: "" }, sam, 400, /^aim: must say what the plan aims at/],
      [{ ...good, owner: "x" }, sam, 400, /Unrecognized key/],
      ["{not json", sam, 400, /not JSON/],
    ];
    for (const [body, token, status, message] of refusals) {
      const response = await postJson(apiPlansAction, "/api/plans", body, { token });
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    expect(await counts()).toEqual(nothing);

    const id = await addPlanByApi(sam);
    const before = await counts();
    const change = (body: unknown, token?: string, planId = String(id)) =>
      postJson(apiPlanAction, `/api/plans/${planId}`, body, { token, params: { id: planId } });
    expect((await change({ status: "done" })).status).toBe(401);
    expect((await change({ status: "done" }, github.personalToken("newcomer-nia"))).status).toBe(403);
    expect((await change({ status: "finished" }, sam)).status).toBe(400);
    expect((await change({}, sam)).status).toBe(400);
    expect((await change({ tasks: ["140002"] }, sam)).status).toBe(400);
    expect((await change({ status: "done" }, sam, "9999")).status).toBe(404);
    expect(
      (
        await postJson(
          apiPlanAction,
          `/api/plans/${id}`,
          {},
          { token: sam, method: "DELETE", params: { id: String(id) } },
        )
      ).status,
    ).toBe(405);
    expect(await counts()).toEqual(before);
  });

  it("sets and lists goals, and refuses a bad one naming the field", async () => {
    const sam = github.personalToken("steward-sam");
    const set = await postJson(
      apiGoalsAction,
      "/api/goals",
      { stage: "middle-end", target: 2, by: dueBy },
      { token: sam },
    );
    expect(set.status).toBe(201);
    expect(await set.json()).toEqual({
      goal: { stage: "middle-end", target: 2, by: dueBy, setBy: "steward-sam", setAt: expect.any(String) },
    });
    const listed = await caught(apiGoalsLoader());
    const { goals } = (await listed.json()) as { goals: Array<Record<string, unknown>> };
    expect(goals.find((g) => g.stage === "middle-end")).toMatchObject({
      target: 2,
      by: dueBy,
      maintainers: 1,
      met: false,
      overdue: false,
    });
    expect(goals.find((g) => g.stage === "backend")).toMatchObject({ target: 2, by: null, setBy: null, met: true });

    const before = await counts();
    for (const [body, token, status, message] of [
      [{ stage: "backend", target: 0, by: dueBy }, sam, 400, /^target: must be at least 1/],
      [{ stage: "backend", target: 2, by: "March 2027" }, sam, 400, /^by: must be a calendar date/],
      [{ stage: "nowhere", target: 2, by: dueBy }, sam, 400, /^stage: there is no stage "nowhere"/],
      [{ stage: "backend", target: 2, by: dueBy }, undefined, 401, /Bearer/],
      [{ stage: "backend", target: 2, by: dueBy }, "ghp_expired", 401, /does not accept this token/],
      [{ stage: "backend", target: 2, by: dueBy }, github.personalToken("newcomer-nia"), 403, /may read but not write/],
    ] as const) {
      const response = await postJson(apiGoalsAction, "/api/goals", body, { token });
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });
});

describe("where plans and goals show", () => {
  it("marks a task mentored on the tasks page and in /api/tasks while its plan is live", async () => {
    const sam = github.personalToken("steward-sam");
    const id = await addPlanByApi(sam, ["134584#1"]);
    const page = await tasksLoader(args(new Request(`${origin}/tasks`)));
    const tasks = page.groups.flatMap((g) => g.tasks);
    expect(tasks.find((t) => t.key === "134584#1")?.mentoring).toEqual([
      expect.objectContaining({
        planId: id,
        mentor: expect.objectContaining({ login: "alice-l" }),
        mentee: expect.objectContaining({ login: "newcomer-nia" }),
      }),
    ]);
    expect(tasks.find((t) => t.key === "134584#2")?.mentoring).toEqual([]);
    // The stage page's starter tasks say it too.
    const stageId = tasks.find((t) => t.key === "134584#1")?.stageId ?? "";
    const stagePage = await stageLoader({
      ...args(new Request(`${origin}/stages/${stageId}`)),
      params: { stage: stageId },
    });
    expect(stagePage.tasks.items.find((t) => t.key === "134584#1")?.mentoring).toEqual([
      expect.objectContaining({ planId: id, mentee: expect.objectContaining({ login: "newcomer-nia" }) }),
    ]);
    const api = await caught(apiTasksLoader(args(new Request(`${origin}/api/tasks`))));
    const { tasks: listed } = (await api.json()) as { tasks: Array<{ key: string; mentoring: unknown[] }> };
    expect(listed.find((t) => t.key === "134584#1")?.mentoring).toEqual([
      { plan: id, mentor: "alice-l", mentee: "newcomer-nia" },
    ]);

    // A paused plan is still live; a done one no longer mentors the task.
    await postJson(apiPlanAction, `/api/plans/${id}`, { status: "paused" }, { token: sam, params: { id: String(id) } });
    const paused = await tasksLoader(args(new Request(`${origin}/tasks`)));
    expect(paused.groups.flatMap((g) => g.tasks).find((t) => t.key === "134584#1")?.mentoring).toHaveLength(1);
    await postJson(apiPlanAction, `/api/plans/${id}`, { status: "done" }, { token: sam, params: { id: String(id) } });
    const done = await tasksLoader(args(new Request(`${origin}/tasks`)));
    expect(done.groups.flatMap((g) => g.tasks).find((t) => t.key === "134584#1")?.mentoring).toEqual([]);
  });

  it("shows each stage's goal line on the dashboard, overdue once the date has passed unmet", async () => {
    const sam = github.personalToken("steward-sam");
    const past = addDays(today, -1);
    await postJson(apiGoalsAction, "/api/goals", { stage: "middle-end", target: 2, by: past }, { token: sam });
    await postJson(apiGoalsAction, "/api/goals", { stage: "backend", target: 2, by: past }, { token: sam });
    await postJson(apiGoalsAction, "/api/goals", { stage: "frontend", target: 3, by: "2099-01-01" }, { token: sam });
    const dashboard = await dashboardLoader(args(new Request(`${origin}/`)));
    const line = (id: string) => dashboard.stages.find((s) => s.id === id)?.goalLine;
    expect(line("middle-end")).toEqual({ text: `2 by ${past}, 1 now`, met: false, overdue: true });
    expect(line("backend")).toEqual({ text: `2 by ${past}, 2 now`, met: true, overdue: false });
    expect(line("frontend")).toEqual({ text: "3 by 2099-01-01, 1 now", met: false, overdue: false });
    // The target a steward set is the stage's goal everywhere: the card's count, its status, the trend's line.
    expect(dashboard.stages.find((s) => s.id === "frontend")).toMatchObject({ goal: 3, status: "unmet" });
    expect((await howLoader()).stages.find((s) => s.id === "frontend")?.goal).toBe(3);
    // As of a day before the date, the same goal is not yet overdue.
    const earlier = await dashboardLoader(args(new Request(`${origin}/?asOf=${addDays(today, -2)}`)));
    expect(earlier.stages.find((s) => s.id === "middle-end")?.goalLine.overdue).toBe(false);
  });
});
