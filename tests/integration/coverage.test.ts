import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/db.server";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { getCoverage } from "../../app/models/coverage.server";
import { loader as dashboardLoader } from "../../app/routes/_index";
import { loader as busFactorApi } from "../../app/routes/api.bus-factor";
import { loader as contributionsApi } from "../../app/routes/api.contributions";
import { loader as tasksApi } from "../../app/routes/api.tasks";
import { loader as contributionsLoader } from "../../app/routes/contributions";
import { loader as personLoader } from "../../app/routes/people.$id";
import { loader as planningLoader } from "../../app/routes/planning";
import { loader as stageLoader } from "../../app/routes/stages.$stage";
import { loader as tasksLoader } from "../../app/routes/tasks";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { TestRepo } from "../support/git-repo";
import { onOneUtcDay } from "../support/waiting";

// A clone whose newest commit is years old, imported with --since 2023-01-01, as a new user would try
// a CPython clone of 2023: the dashboard must show the end of the data, not an abandoned project.
setUpTestDatabase({ asAppDatabase: true });
const config = defaultConfig();
const mark = { name: "Mark Shannon", email: "mark@hotpy.org" };
const brandt = { name: "Brandt Bucher", email: "brandt@python.org" };
const irit = { name: "Irit Katriel", email: "1055913+iritkatriel@users.noreply.github.com" };
let markId = 0;

const args = (path: string, params: Record<string, string> = {}) => ({
  request: new Request(`http://steward.test${path}`),
  params,
  context: {},
});

async function json(loader: typeof busFactorApi, path: string): Promise<Record<string, unknown>> {
  const response = await loader(args(path));
  if (!(response instanceof Response)) throw new Error("API loaders answer with a Response");
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  const repo = TestRepo.create();
  try {
    const change = (file: string, title: string, date: string, author: { name: string; email: string }) => {
      repo.write(file, `${title}\n${date}\n`);
      repo.commit(title, { date: `${date}T10:00:00Z`, author });
    };
    change("Python/optimizer_bytecodes.c", "Before --since: not imported", "2022-11-20", mark);
    change("Python/optimizer.c", "gh-100001: Record traces through calls (#100002)", "2023-03-01", irit);
    change("Python/optimizer_bytecodes.c", "gh-104584: Fold constant branches (#104600)", "2023-07-10", mark);
    change("Python/optimizer_bytecodes.c", "gh-104584: Narrow types on comparisons (#111000)", "2023-11-20", mark);
    change("Python/jit.c", "GH-113464: Add a JIT backend (#113465)", "2023-10-01", brandt);
    change("Python/jit.c", "GH-113464: Emit stencils for AArch64 (#113600)", "2023-12-15", brandt);
    change("Python/optimizer_bytecodes.c", "gh-104584: Optimize _LOAD_ATTR_SLOT (#113700)", "2023-12-28", mark);
    await importGitHistory({ db: await getDb(), config, repoPath: repo.dir, branch: "main", since: "2023-01-01" });
  } finally {
    repo.remove();
  }
  const db = await getDb();
  const person = await db.selectFrom("people").select("id").where("name", "=", mark.name).executeTakeFirstOrThrow();
  markId = person.id;
});

describe("an imported history that ended long before today", () => {
  it("records what the import covers: from --since to the newest commit", async () => {
    expect(await getCoverage(await getDb())).toMatchObject({
      from: "2023-01-01",
      to: "2023-12-28",
      fromStart: false,
      sources: [{ source: expect.stringMatching(/^git:.*#main$/), from: "2023-01-01", to: "2023-12-28" }],
    });
  });

  it("dashboard: defaults asOf to the newest data day, says so, and shows that day's maintainers", async () => {
    // The note names the day the loader took for today.
    const { today, value: data } = await onOneUtcDay(() => dashboardLoader(args("/")));
    expect(data.params.asOf).toBe("2023-12-28");
    expect(data.coverage).toEqual({
      from: "2023-01-01",
      to: "2023-12-28",
      text: "Data from 2023-01-01 to 2023-12-28.",
      notes: [`Showing 2023-12-28, the newest data; today is ${today}.`],
    });
    expect(data.stages.map((s) => [s.id, s.maintainers.map((m) => m.name)])).toEqual([
      ["frontend", []],
      ["middle-end", [mark.name]],
      ["backend", [brandt.name]],
    ]);
  });

  it("trend: months whose window reaches before the data are no data, never zero", async () => {
    const data = await dashboardLoader(args("/"));
    const trend = data.stages.find((s) => s.id === "middle-end")?.trend ?? [];
    expect(trend.map((p) => p.month)).toEqual(expect.arrayContaining(["2022-01", "2023-12"]));
    // 180-day windows ending before 2023-06-29 start before 2023-01-01: Jan 2022 to May 2023 are unknown.
    expect(trend.filter((p) => p.value === null).map((p) => p.month)).toEqual([
      ...["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"].map((m) => `2022-${m}`),
      ...["01", "02", "03", "04", "05"].map((m) => `2023-${m}`),
    ]);
    expect(trend.find((p) => p.month === "2023-06")?.value).toBe(0);
    expect(trend.at(-1)).toEqual({ month: "2023-12", value: 1 });
    // With a 90-day window the first whole window ends 2023-03-31.
    const short = await dashboardLoader(args("/?window=90"));
    const first = short.stages[0]?.trend.find((p) => p.value !== null);
    expect(first?.month).toBe("2023-03");
  });

  it("flags an asOf after the data beside the numbers, and draws no months after it", async () => {
    const data = await dashboardLoader(args("/?asOf=2025-06-30"));
    expect(data.params.asOf).toBe("2025-06-30");
    expect(data.coverage.notes).toEqual([
      "2025-06-30 is after the newest data (2023-12-28): counts after it are not known.",
    ]);
    const trend = data.stages.find((s) => s.id === "backend")?.trend ?? [];
    expect(trend.filter((p) => p.month > "2023-12").every((p) => p.value === null)).toBe(true);
    // December's point is its last day, after the newest commit (28 December): not known either.
    expect(trend.find((p) => p.month === "2023-12")?.value).toBeNull();
    expect(trend.find((p) => p.month === "2023-11")?.value).toBe(0);
  });

  it("flags an asOf whose window starts before the data", async () => {
    const data = await dashboardLoader(args("/?asOf=2023-03-31"));
    expect(data.coverage.notes).toEqual([
      "The 180-day window ending 2023-03-31 starts before the data (2023-01-01): only 90 of its days are known, so counts may be low.",
    ]);
  });

  it("stage and planning pages measure on the same default day and say so", async () => {
    const stage = await stageLoader(args("/stages/backend", { stage: "backend" }));
    expect(stage.params.asOf).toBe("2023-12-28");
    expect(stage.maintainers.map((m) => m.name)).toEqual([brandt.name]);
    expect(stage.coverage.notes).toHaveLength(1);
    expect(stage.stage.trend.slice(0, 17).every((p) => p.value === null)).toBe(true);
    const planning = await planningLoader(args("/planning?asOf=2023-12-31&min=1"));
    expect(planning.params).toEqual({ asOf: "2023-12-31", windowDays: 180, min: 1 });
    expect(planning.coverage.text).toBe("Data from 2023-01-01 to 2023-12-28.");
  });

  it("contributions and tasks pages state the coverage too; mentors are the newest day's maintainers", async () => {
    const contributions = await contributionsLoader(args("/contributions"));
    expect(contributions.coverage.text).toBe("Data from 2023-01-01 to 2023-12-28.");
    const tasks = await tasksLoader(args("/tasks"));
    expect(tasks.coverage.notes).toEqual(["Mentors are the maintainers as of 2023-12-28, the newest data."]);
  });

  it("person page: honours asOf, window and min for the trend, what they maintain and recent work", async () => {
    const latest = await personLoader(args(`/people/${markId}`, { id: String(markId) }));
    expect(latest.params.asOf).toBe("2023-12-28");
    expect(latest.stages.map((s) => [s.id, s.maintains])).toEqual([["middle-end", true]]);
    const monthly = latest.stages[0]?.monthly ?? [];
    expect(monthly.at(-1)).toEqual({ month: "2023-12", value: 1 });
    // Months before the data are no data; 2023's quiet months are zeros.
    expect(monthly.filter((m) => m.month < "2023-01").every((m) => m.value === null)).toBe(true);
    expect(monthly.find((m) => m.month === "2023-02")?.value).toBe(0);
    expect(monthly.find((m) => m.month === "2023-07")?.value).toBe(1);
    expect(latest.recent.map((c) => c.title)).toHaveLength(3);

    const august = await personLoader(args(`/people/${markId}?asOf=2023-08-31`, { id: String(markId) }));
    expect(august.params.asOf).toBe("2023-08-31");
    expect(august.stages.map((s) => [s.id, s.maintains])).toEqual([["middle-end", false]]);
    expect(august.recent.map((c) => c.title)).toEqual(["gh-104584: Fold constant branches (#104600)"]);
    expect(august.stages[0]?.monthly.at(-1)).toEqual({ month: "2023-08", value: 0 });

    const lenient = await personLoader(args(`/people/${markId}?asOf=2023-08-31&min=1`, { id: String(markId) }));
    expect(lenient.stages.map((s) => s.maintains)).toEqual([true]);

    const later = await personLoader(args(`/people/${markId}?asOf=2025-06-30`, { id: String(markId) }));
    expect(later.coverage.notes).toEqual([
      "2025-06-30 is after the newest data (2023-12-28): counts after it are not known.",
    ]);
    expect(later.stages[0]?.monthly.filter((m) => m.month > "2023-12").every((m) => m.value === null)).toBe(true);
  });

  it("API: every answer carries the coverage; the bus factor defaults and notes as the pages do", async () => {
    const { today, value: busFactor } = await onOneUtcDay(() => json(busFactorApi, "/api/bus-factor"));
    expect(busFactor).toMatchObject({
      asOf: "2023-12-28",
      coverage: { from: "2023-01-01", to: "2023-12-28" },
      notes: [`Showing 2023-12-28, the newest data; today is ${today}.`],
    });
    const explicit = await json(busFactorApi, "/api/bus-factor?asOf=2023-12-01");
    expect(explicit).toMatchObject({ asOf: "2023-12-01", notes: [] });
    for (const [loader, path] of [
      [contributionsApi, "/api/contributions"],
      [tasksApi, "/api/tasks"],
    ] as const) {
      expect(await json(loader, path)).toMatchObject({ coverage: { from: "2023-01-01", to: "2023-12-28" } });
    }
  });

  it("a later incremental import widens the coverage and keeps where it started", async () => {
    const db = await getDb();
    const repo = TestRepo.create();
    try {
      repo.write("Python/jit.c", "one\n");
      repo.commit("GH-113464: First stencil (#113470)", { date: "2024-01-02T10:00:00Z", author: brandt });
      await importGitHistory({ db, config, repoPath: repo.dir, branch: "main", since: "2024-01-01" });
      repo.write("Python/jit.c", "two\n");
      repo.commit("GH-113464: Second stencil (#113471)", { date: "2024-02-03T10:00:00Z", author: brandt });
      const again = await importGitHistory({ db, config, repoPath: repo.dir, branch: "main" });
      expect(again.incremental).toBe(true);
    } finally {
      repo.remove();
    }
    const coverage = await getCoverage(db);
    expect(coverage?.sources.map((s) => [s.from, s.to])).toEqual(
      expect.arrayContaining([
        ["2023-01-01", "2023-12-28"],
        ["2024-01-01", "2024-02-03"],
      ]),
    );
    expect(coverage).toMatchObject({ from: "2023-01-01", to: "2024-02-03" });
  });
});

describe("a database imported before coverage was recorded", () => {
  it("covers the first to the last day of its contributions", async () => {
    const db = await getDb();
    await db.deleteFrom("meta").where("key", "like", "coverage:%").execute();
    expect(await getCoverage(db)).toEqual({
      from: "2023-03-01",
      to: "2024-02-03",
      fromStart: false,
      sources: [{ source: "stored contributions", from: "2023-03-01", to: "2024-02-03", fromStart: false }],
    });
  });

  it("an incremental import into it reaches back to the stored contributions, not only to its own commits", async () => {
    const db = await getDb();
    const repo = TestRepo.create();
    try {
      repo.write("Python/jit.c", "one\n");
      repo.commit("GH-113464: Third stencil (#113480)", { date: "2024-03-01T10:00:00Z", author: brandt });
      await importGitHistory({ db, config, repoPath: repo.dir, branch: "main" });
      await db.deleteFrom("meta").where("key", "like", "coverage:%").execute(); // as before coverage was recorded
      repo.write("Python/jit.c", "two\n");
      repo.commit("GH-113464: Fourth stencil (#113481)", { date: "2024-04-01T10:00:00Z", author: brandt });
      expect((await importGitHistory({ db, config, repoPath: repo.dir, branch: "main" })).incremental).toBe(true);
    } finally {
      repo.remove();
    }
    expect(await getCoverage(db)).toMatchObject({ from: "2023-03-01", to: "2024-04-01", fromStart: false });
  });
});
