import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/db.server";
import { loader as dashboardLoader } from "../../app/routes/_index";
import { loader as busFactorApi } from "../../app/routes/api.bus-factor";
import { loader as tasksApi } from "../../app/routes/api.tasks";
import { loader as planningLoader } from "../../app/routes/planning";
import { loader as tasksLoader } from "../../app/routes/tasks";
import { loader as stageLoader } from "../../app/routes/stages.$stage";
import { apiMaintainerCap, pageCaps } from "../../app/stewardship/capped-list";
import { addDays, todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { commit, stageFiles, starterTask, store } from "../support/factories";

setUpTestDatabase({ asAppDatabase: true });
const asOf = todayUtc();
const busy = 30; // maintainers of the middle-end, more than a page names
const perMaintainer = 12; // credited contributions each, more than a page lists
const occasional = 30; // one-off contributors, more than a page ranks
const crowd = apiMaintainerCap + 5; // one-off frontend contributors, more than the API lists at min=1
const tasks = 260; // open middle-end starter tasks, more than a page or an API page lists

const args = (path: string, params: Record<string, string> = {}) => ({
  request: new Request(`http://steward.test${path}`),
  params,
  context: {},
});

beforeAll(async () => {
  const person = (kind: string, i: number) => ({ name: `${kind} ${i}`, email: `${kind}-${i}@example.org` });
  await store(await getDb(), defaultConfig(), [
    ...Array.from({ length: busy * perMaintainer }, (_, n) =>
      commit({
        day: addDays(asOf, -(n % 90) - 1),
        // The umbrella, the files and two stage words: four evidence lines for the middle-end.
        title: `gh-134584: optimizer refcount cleanup, part ${n}`,
        author: person("maintainer", n % busy),
        files: stageFiles["middle-end"],
        refs: [134584],
      }),
    ),
    ...Array.from({ length: occasional }, (_, i) =>
      commit({
        day: addDays(asOf, -10),
        title: `Tidy the uop optimizer, ${i}`,
        author: person("contributor", i),
        files: stageFiles["middle-end"],
      }),
    ),
    ...Array.from({ length: crowd }, (_, i) =>
      commit({
        day: addDays(asOf, -20),
        title: `Record one more trace kind, ${i}`,
        author: person("newcomer", i),
        files: stageFiles.frontend,
      }),
    ),
  ]);
  await (
    await getDb()
  )
    .insertInto("starterTasks")
    .values(Array.from({ length: tasks }, (_, i) => starterTask({ key: `134584#${i + 1}`, title: `_OP_${i}` })))
    .execute();
});

describe("pages show capped lists with the rest a link away", () => {
  it("stage: the first maintainers, each with their latest credited work, evidence and the others capped", async () => {
    // As of the day the history was written for, which the link's dates are counted from.
    const data = await stageLoader(args(`/stages/middle-end?asOf=${asOf}&window=730&min=2`, { stage: "middle-end" }));
    expect(data.maintainers).toHaveLength(pageCaps.maintainers);
    expect(data.moreMaintainers).toBe(busy - pageCaps.maintainers);
    for (const maintainer of data.maintainers) {
      expect(maintainer.contributions).toBe(perMaintainer);
      expect(maintainer.credited).toHaveLength(pageCaps.credited);
      expect(maintainer.moreCredited).toBe(perMaintainer - pageCaps.credited);
      const dates = maintainer.credited.map((c) => c.occurredAt);
      expect(dates).toEqual([...dates].sort().reverse()); // the latest first
    }
    const evidence = data.maintainers.flatMap((m) => m.credited);
    expect(evidence.every((c) => c.evidence.length <= pageCaps.evidence)).toBe(true);
    // Every contribution here has the same four evidence lines: said once per person, capped there.
    for (const maintainer of data.maintainers) {
      expect(maintainer.sharedEvidence).toHaveLength(pageCaps.evidence);
      expect(maintainer.moreSharedEvidence).toBe(1);
    }
    expect(evidence.every((c) => c.evidence.length === 0)).toBe(true);
    expect(data.candidates.items).toHaveLength(pageCaps.contributors);
    expect(data.candidates.more).toBe(occasional - pageCaps.contributors);
    expect(data.windowFilter).toBe(`stage=middle-end&from=${addDays(asOf, -729)}&to=${asOf}`);
    // Under 1 MB whatever the window: the page's data is what the browser receives.
    expect(JSON.stringify(data).length).toBeLessThan(200_000);
  });

  it("dashboard: a card names the first maintainers and counts them all", async () => {
    const data = await dashboardLoader(args("/?window=730&min=2"));
    const middle = data.stages.find((s) => s.id === "middle-end");
    expect(middle?.maintainerCount).toBe(busy);
    expect(middle?.maintainers).toHaveLength(pageCaps.cardMaintainers);
  });

  it("planning: the maintainers soonest to lapse, and how many more", async () => {
    const data = await planningLoader(args("/planning?window=730&min=2"));
    const middle = data.plans.find((p) => p.id === "middle-end");
    expect(middle?.maintainers).toHaveLength(pageCaps.maintainers);
    expect(middle?.moreMaintainers).toBe(busy - pageCaps.maintainers);
  });

  it("API: active maintainers listed up to the cap, all of them counted", async () => {
    const response = await busFactorApi(args("/api/bus-factor?window=730&min=1"));
    const body = (await response.json()) as {
      stages: Array<{ id: string; activeMaintainerCount: number; activeMaintainers: unknown[] }>;
    };
    const count = (id: string) => body.stages.find((s) => s.id === id);
    expect(count("middle-end")?.activeMaintainerCount).toBe(busy + occasional);
    expect(count("middle-end")?.activeMaintainers).toHaveLength(busy + occasional);
    expect(count("frontend")?.activeMaintainerCount).toBe(crowd);
    expect(count("frontend")?.activeMaintainers).toHaveLength(apiMaintainerCap);
  });

  it("tasks: pages of starter tasks with the total, and a few mentors each", async () => {
    const first = await tasksLoader(args("/tasks?stage=middle-end"));
    expect(first.total).toBe(tasks);
    expect(first.groups.flatMap((g) => g.tasks)).toHaveLength(200);
    expect(first.next).toEqual({ page: 2, more: tasks - 200 });
    expect(first.groups[0]?.mentors.length).toBeLessThanOrEqual(pageCaps.mentors);
    const second = await tasksLoader(args("/tasks?stage=middle-end&page=2"));
    expect(second.groups.flatMap((g) => g.tasks)).toHaveLength(tasks - 200);
    expect(second.next.more).toBe(0);

    const stage = await stageLoader(args("/stages/middle-end", { stage: "middle-end" }));
    expect(stage.tasks.items).toHaveLength(pageCaps.tasks);
    expect(stage.tasks.more).toBe(tasks - pageCaps.tasks);

    const api = async (path: string) =>
      ((await (await tasksApi(args(path))).json()) as { tasks: Array<{ suggestedMentors: unknown[] }> }).tasks;
    const page1 = await api("/api/tasks?stage=middle-end");
    expect(page1).toHaveLength(100);
    expect(page1[0]?.suggestedMentors).toHaveLength(pageCaps.mentors);
    expect(await api("/api/tasks?stage=middle-end&page=3")).toHaveLength(tasks - 200);
  });

  it("refuses a window over the maximum with a 400 that names it", async () => {
    try {
      await stageLoader(args("/stages/middle-end?window=3650&min=1", { stage: "middle-end" }));
      expect.unreachable("a 3650-day window must be refused");
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      expect(thrown.status).toBe(400);
      expect(await thrown.text()).toBe("window must be at most 730 days");
    }
  });
});
