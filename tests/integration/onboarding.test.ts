import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/db.server";
import type { NewContribution } from "../../app/models/contribution.server";
import { seededRandom } from "../../app/demo/seeded-random";
import { getOnboardingReport, listStageNewcomers } from "../../app/models/onboarding.server";
import { PeopleResolver } from "../../app/models/person.server";
import { upsertPullRequest } from "../../app/models/pull-request.server";
import { action as onboardingApiAction, loader as onboardingApi } from "../../app/routes/api.onboarding";
import { loader as onboardingPage } from "../../app/routes/onboarding";
import { loader as stagePage } from "../../app/routes/stages.$stage";
import { createTestDatabase, defaultConfig, setUpTestDatabase } from "../support/db";
import { commit, people, stageFiles, starterTask, store } from "../support/factories";

setUpTestDatabase({ asAppDatabase: true });

const nina = { name: "Nina Simone", email: "nina@example.org", login: "nina-s" };
const asOf = "2026-06-30";
const rule = { asOf, windowDays: 180, min: 2 };

// A newcomer, Nina, arrives in the middle-end through the checklist item for _BINARY_OP (her first work on
// the project: a PR opened 2026-01-02, reviewed by Alice on the 5th, merged on the 10th), is back 35 days
// later and so meets the rule (2 in 180 days) on 2026-02-14. Alice was there before. Bob arrives in the
// frontend 29 days before the as-of day, and Frank, known for other work, 20 days before. A bot backports Nina's PR: never a newcomer.
beforeAll(async () => {
  const db = await getDb();
  const config = defaultConfig();
  const me = stageFiles["middle-end"];
  await store(db, config, [
    commit({ day: "2025-10-01", title: "Narrow the symbol lattice", author: people.alice, files: me }),
    commit({ day: "2025-11-01", title: "Constant-fold _TO_BOOL", author: people.alice, files: me }),
    commit({
      day: "2026-01-10",
      title: "gh-134584: Eliminate redundant refcounting from _BINARY_OP (#135001)",
      author: nina,
      files: me,
      refs: [134584],
      pr: 135001,
    }),
    commit({
      day: "2026-01-12",
      title: "[3.14] gh-134584: Eliminate redundant refcounting from _BINARY_OP (GH-135001)",
      author: people.bot,
      files: me,
      refs: [134584],
    }),
    commit({ day: "2026-02-14", title: "Propagate types through _LOAD_CONST", author: nina, files: me }),
    // Names the other item's uop as part of a longer one: not that task.
    commit({
      day: "2026-03-01",
      title: "gh-134584: Eliminate redundant refcounting from _LOAD_ATTR_MODULE (#135003)",
      author: people.alice,
      files: me,
      refs: [134584],
      pr: 135003,
    }),
    commit({ day: "2026-06-01", title: "Trace through generators", author: people.bob, files: stageFiles.frontend }),
    // Frank worked on the rest of CPython before his first frontend work: new to the stage, not the project.
    commit({
      day: "2026-05-01",
      title: "Fix os.path.join on Windows",
      author: people.frank,
      files: [{ path: "Lib/ntpath.py", added: 3, deleted: 1 }],
    }),
    commit({
      day: "2026-06-10",
      title: "Record exits of generators",
      author: people.frank,
      files: stageFiles.frontend,
    }),
  ]);
  await db.transaction().execute(async (trx) =>
    upsertPullRequest(trx, {
      config,
      people: await PeopleResolver.load(trx, config),
      pr: {
        number: 135001,
        title: "gh-134584: Eliminate redundant refcounting from _BINARY_OP",
        createdAt: "2026-01-02T12:00:00Z",
        mergedAt: "2026-01-10T12:00:00Z",
        updatedAt: "2026-01-10T12:00:00Z",
        author: { name: "Nina Simone", login: "nina-s" },
        labels: [],
        refs: [134584],
        files: me,
        reviewers: [
          { identity: { name: "Alice Liddell", login: "alice-l" }, weight: 1, occurredAt: "2026-01-05T12:00:00Z" },
        ],
      },
    }),
  );
  await db
    .insertInto("starterTasks")
    .values([
      starterTask({ key: "134584#1", title: "Eliminate redundant refcounting from _BINARY_OP", state: "done" }),
      starterTask({ key: "134584#2", title: "Eliminate redundant refcounting from _LOAD_ATTR" }),
    ])
    .execute();
});

async function apiGet(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await onboardingApi({ request: new Request(`http://steward.test${path}`), params: {}, context: {} });
  if (!(response instanceof Response)) throw new Error("API loaders answer with a Response");
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the onboarding report from the database", () => {
  it("dates the middle-end's funnel and measures the newcomer's PR", async () => {
    const report = await getOnboardingReport(await getDb(), { config: defaultConfig(), ...rule });
    const middleEnd = report.stages.find((s) => s.id === "middle-end");
    expect(middleEnd?.steps).toEqual({ arrived: 2, newToProject: 2, returned: 2, pending: 0, maintainers: 2 });
    expect(middleEnd?.cohorts.map((c) => [c.quarter, c.arrived, c.returned, c.maintainers])).toEqual([
      ["2025-Q4", 1, 1, 1],
      ["2026-Q1", 1, 1, 1],
    ]);
    const q1 = middleEnd?.cohorts[1];
    expect(q1?.medianDaysToSecond).toBe(35);
    expect(q1?.medianDaysToMaintainer).toBe(35);
    // Opened 2026-01-02 12:00, reviewed on the 5th at 12:00, merged (git's squash commit) on the 10th at 12:00.
    expect(q1?.pullRequests.newcomers).toEqual({
      count: 1,
      reviewed: 1,
      medianDaysToFirstReview: 3,
      merged: 1,
      medianDaysToMerge: 8,
    });
    expect(report.overall.steps).toEqual({ arrived: 4, newToProject: 3, returned: 2, pending: 2, maintainers: 2 });
  });

  it("counts the refcount track's conversion: one task taken up, by a newcomer who returned and maintains", async () => {
    const report = await getOnboardingReport(await getDb(), { config: defaultConfig(), ...rule });
    const [track] = report.tracks;
    expect(track).toMatchObject({
      id: "gh-134584",
      stageId: "middle-end",
      tasks: 2,
      takenUp: 1,
      people: 1,
      newcomers: 1,
      returned: 1,
      maintainers: 1,
    });
    expect(track?.takenUpTasks).toEqual([
      expect.objectContaining({
        key: "134584#1",
        by: expect.objectContaining({ prNumber: 135001, mergedOn: "2026-01-10" }),
        people: [expect.objectContaining({ login: "nina-s", newcomer: true, returned: true, maintainer: true })],
      }),
    ]);
  });

  it("lists each stage's newcomers of the last 90 days", async () => {
    const report = await getOnboardingReport(await getDb(), { config: defaultConfig(), ...rule });
    const newcomers = (id: string) => report.stages.find((s) => s.id === id)?.newcomers;
    expect(newcomers("frontend")).toEqual([
      expect.objectContaining({ name: "Frank Poole", arrivedOn: "2026-06-10", firstToProject: false }),
      expect.objectContaining({ login: "bobb", arrivedOn: "2026-06-01", firstToProject: true, returnPending: true }),
    ]);
    expect(newcomers("middle-end")).toEqual([]);
    const earlier = await getOnboardingReport(await getDb(), { config: defaultConfig(), ...rule, asOf: "2026-02-14" });
    expect(earlier.stages.find((s) => s.id === "middle-end")?.newcomers).toEqual([
      expect.objectContaining({
        login: "nina-s",
        arrivedOn: "2026-01-10",
        firstToProject: true,
        returnedOn: "2026-02-14",
        maintainerOn: "2026-02-14",
        contributions: 2,
      }),
    ]);
  });
});

describe("GET /api/onboarding", () => {
  it("answers the same numbers as JSON, with coverage", async () => {
    const { status, body } = await apiGet(`/api/onboarding?asOf=${asOf}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ asOf, windowDays: 180, min: 2, returnWindowDays: 90 });
    expect(body.coverage).toEqual({ from: expect.any(String), to: expect.any(String) });
    const stages = body.stages as Array<{ id: string; steps: unknown }>;
    expect(stages.find((s) => s.id === "middle-end")?.steps).toEqual({
      arrived: 2,
      newToProject: 2,
      returned: 2,
      pending: 0,
      maintainers: 2,
    });
    const tracks = body.tracks as Array<{ takenUpTasks: Array<{ people: Array<Record<string, unknown>> }> }>;
    expect(tracks[0]?.takenUpTasks[0]?.people[0]).toEqual({
      id: expect.any(Number),
      login: "nina-s",
      name: "Nina Simone",
      newcomer: true,
      returned: true,
      pending: false,
      maintainer: true,
    });
  });

  it("honours asOf: before Nina came back, her return is still awaited", async () => {
    const { body } = await apiGet("/api/onboarding?asOf=2026-01-31");
    const stages = body.stages as Array<{ id: string; steps: unknown }>;
    expect(stages.find((s) => s.id === "middle-end")?.steps).toEqual({
      arrived: 2,
      newToProject: 2,
      returned: 1,
      pending: 1,
      maintainers: 1,
    });
    expect(body.tracks).toEqual([
      expect.objectContaining({ takenUp: 1, newcomers: 1, returned: 0, pending: 1, maintainers: 0 }),
    ]);
  });

  it("refuses a bad asOf and writes", async () => {
    const bad = await apiGet("/api/onboarding?asOf=2026-02-30");
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toContain("asOf");
    const post = await onboardingApiAction({
      request: new Request("http://steward.test/api/onboarding", { method: "POST" }),
      params: {},
      context: {},
    });
    expect(post instanceof Response ? post.status : null).toBe(405);
  });
});

describe("the pages", () => {
  it("/onboarding loads the report for the asked day", async () => {
    const data = await onboardingPage({
      request: new Request(`http://steward.test/onboarding?asOf=${asOf}`),
      params: {},
      context: {},
    });
    expect(data.params.asOf).toBe(asOf);
    expect(data.stages.map((s) => [s.id, s.steps.arrived])).toEqual([
      ["frontend", 2],
      ["middle-end", 2],
      ["backend", 0],
    ]);
    expect(data.tracks[0]?.takenUpTasks).toHaveLength(1);
  });

  it("the stage page lists its newcomers with mentors", async () => {
    const data = await stagePage({
      request: new Request(`http://steward.test/stages/frontend?asOf=${asOf}`),
      params: { stage: "frontend" },
      context: {},
    });
    expect(data.newcomers.items.map((p) => p.name)).toEqual(["Frank Poole", "Bob Builder"]);
    expect(data.newcomers.returnWindowDays).toBe(90);
  });
});

/**
 * A year of random work by a dozen people and a bot: commits to each stage and to no stage, co-authors,
 * reviews at every weight (some submitted days after the commit), people who start with a review or with
 * work outside the stages, several contributions a day.
 */
function randomHistory(seed: number, count: number): NewContribution[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const crowd = [
    ...Object.values(people).filter((p) => p !== people.bot),
    ...Array.from({ length: 6 }, (_, i) => ({ name: `Newcomer ${i}`, email: `newcomer${i}@example.org` })),
  ];
  const files = [
    stageFiles.frontend,
    stageFiles["middle-end"],
    stageFiles.backend,
    [{ path: "Lib/ast.py", added: 4, deleted: 1 }],
  ];
  return Array.from({ length: count }, (_, i): NewContribution => {
    const day = new Date(Date.UTC(2025, 6, 1) + Math.floor(random() ** 0.7 * 365) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const author = random() < 0.05 ? people.bot : pick(crowd);
    const item = commit({
      day,
      title: `Change ${i}`,
      author,
      files: pick(files),
      coAuthors: random() < 0.15 ? [pick(crowd)] : [],
    });
    const reviewer = pick(crowd);
    if (random() < 0.4 && reviewer !== author) {
      const later = new Date(Date.parse(item.occurredAt) + Math.floor(random() * 5) * 86_400_000).toISOString();
      item.people.push({
        identity: reviewer,
        role: "reviewer",
        weight: pick([1, 0.5, 0]),
        occurredAt: later.replace(".000Z", "Z"),
      });
    }
    return item;
  });
}

describe("a stage's newcomers read for that stage alone", () => {
  it("are the report's newcomers, whatever the day and the rule", async () => {
    const own = await createTestDatabase();
    const config = defaultConfig();
    try {
      await store(own.db, config, randomHistory(11, 700));
      const seen: Array<{ firstToProject: boolean; returnedOn: string | null; maintainerOn: string | null }> = [];
      for (const asOf of ["2025-09-15", "2025-12-31", "2026-03-01", "2026-06-30"]) {
        for (const query of [
          { asOf, windowDays: 180, min: 2 },
          { asOf, windowDays: 30, min: 1 },
        ]) {
          const report = await getOnboardingReport(own.db, { config, ...query });
          for (const stage of report.stages) {
            const newcomers = await listStageNewcomers(own.db, { config, stageId: stage.id, ...query });
            expect(newcomers).toEqual(stage.newcomers);
            seen.push(...newcomers);
          }
        }
      }
      // The histories did have newcomers to compare: new to the project and not, back and not, maintainers.
      expect(seen.length).toBeGreaterThan(20);
      expect(new Set(seen.map((n) => n.firstToProject))).toEqual(new Set([true, false]));
      expect(seen.some((n) => n.returnedOn !== null) && seen.some((n) => n.returnedOn === null)).toBe(true);
      expect(seen.some((n) => n.maintainerOn !== null)).toBe(true);
    } finally {
      await own.close();
    }
  });
});
