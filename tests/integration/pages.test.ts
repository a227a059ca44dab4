import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/db.server";
import { loader as contributionsLoader } from "../../app/routes/contributions";
import { loader as dashboardLoader } from "../../app/routes/_index";
import { loader as personLoader } from "../../app/routes/people.$id";
import { loader as planningLoader } from "../../app/routes/planning";
import { loader as stageLoader } from "../../app/routes/stages.$stage";
import { loader as tasksLoader } from "../../app/routes/tasks";
import { addDays, todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { knownHistory, people, store } from "../support/factories";
import { onOneUtcDay } from "../support/waiting";

setUpTestDatabase({ asAppDatabase: true });
const asOf = todayUtc();

const args = (path: string, params: Record<string, string> = {}) => ({
  request: new Request(`http://steward.test${path}`),
  params,
  context: {},
});

/** Runs a loader expected to throw a Response and returns its status and text. */
async function rejection(promise: Promise<unknown>): Promise<{ status: number; text: string }> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, text: await thrown.text() };
    throw thrown;
  }
  throw new Error("expected the loader to throw a Response");
}

beforeAll(async () => {
  await store(await getDb(), defaultConfig(), knownHistory(asOf));
});

describe("page loaders", () => {
  it("dashboard: one card per stage with maintainers, status and a 24-month trend", async () => {
    // Without asOf it measures as of today: the day the loader ran on.
    const { today, value: data } = await onOneUtcDay(() => dashboardLoader(args("/")));
    expect(data.params).toEqual({ asOf: today, windowDays: 180, min: 2 });
    expect(data.stages.map((s) => [s.id, s.maintainers.length, s.status])).toEqual([
      ["frontend", 1, "at-risk"],
      ["middle-end", 1, "at-risk"],
      ["backend", 2, "met"],
    ]);
    const backend = data.stages.find((s) => s.id === "backend");
    expect(backend?.trend).toHaveLength(24);
    expect(backend?.trend.at(-1)?.value).toBe(2);
    expect(data.runs).toEqual([]);
  });

  it("planning: who lapses when, what one departure does, and who is next", async () => {
    // As of the day the history was written for: days left are counted from it.
    const data = await planningLoader(args(`/planning?asOf=${asOf}`));
    const plan = (id: string) => data.plans.find((p) => p.id === id);
    // Backend: Carol and Dave make the goal of 2 exactly; without new work Carol lapses first.
    expect(
      plan("backend")?.maintainers.map((m) => [m.person.name, m.countsUntil, m.daysLeft, m.statusIfAway, m.critical]),
    ).toEqual([
      ["Carol Danvers", addDays(asOf, -100 + 179), 80, "at-risk", true],
      ["Dave Lister", addDays(asOf, -80 + 179), 100, "at-risk", true],
    ]);
    expect(plan("backend")?.summary).toMatch(/^Goal met with 2 of 2, none to spare/);
    // What a departure does is said once for the two of them, not once each.
    expect(plan("backend")?.departures.map((g) => [g.statusIfAway, g.critical, g.people.map((p) => p.name)])).toEqual([
      ["at-risk", true, ["Carol Danvers", "Dave Lister"]],
    ]);
    // Frontend: Erin alone; Frank (a co-author) needs one more contribution.
    expect(plan("frontend")?.maintainers.map((m) => [m.person.name, m.statusIfAway])).toEqual([
      ["Erin Hannon", "unmet"],
    ]);
    expect(plan("frontend")?.candidates.map((c) => [c.person.name, c.needs])).toEqual([["Frank Poole", 1]]);
    // Middle-end: Bob has one contribution in the window; the bot is nobody's candidate.
    expect(plan("middle-end")?.candidates.map((c) => c.person.name)).toEqual(["Bob Builder"]);
    expect(data.shared).toEqual({ items: [], more: 0 });
    expect(await rejection(planningLoader(args("/planning?min=0")))).toMatchObject({ status: 400 });
  });

  it("dashboard: a bad window is a 400 that names the parameter", async () => {
    expect(await rejection(dashboardLoader(args("/?window=-3")))).toEqual({
      status: 400,
      text: "window must be a whole number",
    });
  });

  it("stage: maintainers with the contributions that make them count, candidates, files", async () => {
    const data = await stageLoader(args("/stages/middle-end", { stage: "middle-end" }));
    expect(data.maintainers.map((m) => m.name)).toEqual([people.alice.name]);
    expect(data.maintainers[0]?.credited.map((c) => [c.pr, c.reviewed])).toEqual([
      [135002, false],
      [135001, false],
    ]);
    // Evidence both contributions share is said once for the person; what differs stays with each.
    const alice = data.maintainers[0];
    expect([...(alice?.sharedEvidence ?? []), ...(alice?.credited[0]?.evidence ?? [])].join(" ")).toContain(
      "gh-134584",
    );
    expect(alice?.sharedEvidence.length).toBeGreaterThan(0);
    expect(alice?.credited.every((c) => c.evidence.every((line) => !alice.sharedEvidence.includes(line)))).toBe(true);
    // The one-line summary: credit only when it differs from the count.
    expect(alice).toMatchObject({ summary: "2 contributions", authored: 2, reviewed: 0 });
    expect(alice?.lastActive).toBe(alice?.credited[0]?.occurredAt.slice(0, 10));
    expect(alice?.countsUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(data.candidates).toEqual({ items: [expect.objectContaining({ name: people.bob.name })], more: 0 });
    expect(data.busiestFiles.map((f) => f.path)).toContain("Python/optimizer_bytecodes.c");
    expect(await rejection(stageLoader(args("/stages/jit", { stage: "jit" })))).toMatchObject({ status: 404 });
  });

  it("person: stage work per month and the stages maintained", async () => {
    const db = await getDb();
    const alice = await db.selectFrom("people").select("id").where("login", "=", "alice-l").executeTakeFirstOrThrow();
    const data = await personLoader(args(`/people/${alice.id}`, { id: String(alice.id) }));
    expect(data.person).toMatchObject({ name: people.alice.name, contributions: 2 });
    expect(data.person).not.toHaveProperty("email");
    expect(data.stages.map((s) => [s.id, s.total, s.maintains])).toEqual([["middle-end", 2, true]]);
    expect(data.stages[0]?.monthly).toHaveLength(24);
    expect(await rejection(personLoader(args("/people/999", { id: "999" })))).toMatchObject({ status: 404 });
    expect(await rejection(personLoader(args("/people/abc", { id: "abc" })))).toMatchObject({ status: 404 });
  });

  it("contributions: filters by stage, person and dates, and pages", async () => {
    const none = await contributionsLoader(args("/contributions?stage=none"));
    expect(none.contributions.map((c) => c.title)).toEqual(
      expect.arrayContaining(["Tidy the eval loop", "gh-127000: Rename the private C API everywhere (#127001)"]),
    );
    expect(none.contributions.every((c) => c.stages.length === 0)).toBe(true);
    const recent = await contributionsLoader(args(`/contributions?stage=backend&from=${asOf}`));
    expect(recent.contributions).toEqual([]);
    expect(await rejection(contributionsLoader(args("/contributions?from=2026-05-01&to=2026-04-01")))).toEqual({
      status: 400,
      text: "from (2026-05-01) must not be after to (2026-04-01)",
    });
  });

  it("tasks: grouped by stage; an unknown stage is a 404", async () => {
    const data = await tasksLoader(args("/tasks"));
    expect(data.total).toBe(0);
    expect(await rejection(tasksLoader(args("/tasks?stage=nope")))).toMatchObject({ status: 404 });
  });
});
