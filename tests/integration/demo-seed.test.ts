import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo, seedDemoIfEmpty } from "../../app/demo/seed.server";
import { deleteStoredData } from "../../app/models/database-contents.server";
import { demoPeople } from "../../app/demo/generate";
import { getBusFactorReport } from "../../app/models/bus-factor.server";
import { getMeta } from "../../app/models/meta.server";
import { getCoverage } from "../../app/models/coverage.server";
import { effectiveAsOf, windowKnown } from "../../app/stewardship/coverage";
import { addDays, trendPoints } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";

const anchorDate = "2026-11-25";
const config = defaultConfig();
const test = setUpTestDatabase();

beforeAll(async () => {
  expect(await seedDemoIfEmpty(test.db, { config, anchorDate })).toBe(true);
});

async function maintainersAt(daysBefore: number) {
  const report = await getBusFactorReport(test.db, {
    config,
    asOf: addDays(anchorDate, -daysBefore),
    windowDays: 180,
    min: 2,
  });
  return Object.fromEntries(report.stages.map((s) => [s.id, s.activeMaintainers.map((p) => p.login).sort()]));
}

describe("the demo story", () => {
  it("grows the middle-end from 1 to 4 maintainers through the refcount starter track", async () => {
    expect((await maintainersAt(670))["middle-end"]).toEqual(["mokafor"]);
    expect((await maintainersAt(0))["middle-end"]).toEqual(["lferreira", "mokafor", "praman", "twren"]);
    const report = await getBusFactorReport(test.db, { config, asOf: anchorDate, windowDays: 180, min: 2 });
    const trend = report.stages.find((s) => s.id === "middle-end")?.trend.map((p) => p.value) ?? [];
    expect(trend[0]).toBe(1);
    expect(trend.at(-1)).toBe(4);
    // it only grows
    expect(trend.every((value, i) => i === 0 || value >= (trend[i - 1] ?? 0))).toBe(true);
  });

  it("holds the backend at 2 and leaves the frontend at risk with 1", async () => {
    for (const daysBefore of [670, 500, 300, 100, 0]) {
      expect((await maintainersAt(daysBefore)).backend).toEqual(["dalvarez", "hsato"]);
    }
    expect((await maintainersAt(400)).frontend).toEqual(["epetrova", "klindqvist"]);
    expect((await maintainersAt(0)).frontend).toEqual(["klindqvist"]);
    const report = await getBusFactorReport(test.db, { config, asOf: anchorDate, windowDays: 180, min: 2 });
    expect(report.stages.map((s) => [s.id, s.status])).toEqual([
      ["frontend", "at-risk"],
      ["middle-end", "met"],
      ["backend", "met"],
    ]);
  });

  it("gives the sweep and the regenerate-only commits no stage, and flags the bot", async () => {
    const unlabelled = await test.db
      .selectFrom("contributions as c")
      .leftJoin("contributionStages as s", "s.contributionId", "c.id")
      .where((eb) =>
        eb.or([eb("c.title", "like", "%Rename the private%"), eb("c.title", "like", "%Regenerate the cases%")]),
      )
      .select(["c.title", "s.stageId"])
      .execute();
    expect(unlabelled.length).toBe(14);
    expect(unlabelled.every((row) => row.stageId === null)).toBe(true);
    const bot = await test.db
      .selectFrom("people")
      .select("isBot")
      .where("login", "=", "miss-islington")
      .executeTakeFirstOrThrow();
    expect(bot.isBot).toBe(1);
    const botActivity = await test.db
      .selectFrom("stageActivity as a")
      .innerJoin("people as p", "p.id", "a.personId")
      .where("p.login", "=", "miss-islington")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(botActivity.n)).toBeGreaterThan(0); // labelled work, excluded when counting people
  });

  it("stores claimed tasks with their claimant and marks the database as demo data", async () => {
    const claimed = await test.db
      .selectFrom("starterTasks as t")
      .innerJoin("people as p", "p.id", "t.claimedByPersonId")
      .where("t.key", "=", "134584#8")
      .select(["p.login", "t.state", "t.claimEvidence"])
      .executeTakeFirstOrThrow();
    expect(claimed).toMatchObject({ login: demoPeople.sam.login, state: "open" });
    expect(await getMeta(test.db, "demo")).toBe("true");
  });

  it("covers a whole history up to its anchor, so two days later it is current and every month is known", async () => {
    const coverage = await getCoverage(test.db);
    expect(coverage).toMatchObject({ to: anchorDate, fromStart: true, sources: [{ source: "demo" }] });
    expect(coverage?.from).toMatch(/^2024-1\d-\d\d$/);
    const today = addDays(anchorDate, 2);
    expect(effectiveAsOf(undefined, today, coverage)).toEqual({ asOf: today, reason: "today" });
    const known = windowKnown(180, coverage, today);
    expect(trendPoints(today, 24).every((point) => known(point.asOf))).toBe(true);
  });

  it("seeds only an empty database, and --force style clearing starts over", async () => {
    expect(await seedDemoIfEmpty(test.db, { config, anchorDate })).toBe(false);
    const count = async () =>
      Number(
        (
          await test.db
            .selectFrom("contributions")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await deleteStoredData(test.db);
    expect(await count()).toBe(0);
    expect(await getMeta(test.db, "demo")).toBeNull();
    expect((await seedDemo(test.db, { config, anchorDate })).contributions).toBe(before);
  });
});
