import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../app/github.server";
import { githubSyncJob } from "../../app/jobs/github-sync-job.server";
import { TimerScheduler } from "../../app/jobs/timer-scheduler.server";
import { listScheduledJobs } from "../../app/models/job-run.server";
import { loader as dashboardLoader } from "../../app/routes/_index";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { generateRepository } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";
import { waitFor as waitUntil } from "../support/waiting";

const config = defaultConfig();
const test = setUpTestDatabase({ per: "test", asAppDatabase: true });
let github: GitHubSimulator;
let scheduler: TimerScheduler | undefined;
const events: string[] = [];

beforeEach(async () => {
  events.length = 0;
  github = await startGitHubSimulator({
    repository: generateRepository({ now: new Date().toISOString(), pullRequests: 200, seed: 5 }),
  });
});
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  await github.close();
});

function startScheduler(options: { everyMs: number; token?: string; retry?: { limit: number; delayMs: number } }) {
  const client = createGitHubClient({
    token: options.token ?? github.token,
    baseUrl: github.url,
    graphqlIntervalMs: 0,
    searchIntervalMs: 0,
    retries: 0,
  });
  const job = githubSyncJob({
    db: test.db,
    config,
    github: client,
    everyMs: options.everyMs,
    retry: options.retry ?? { limit: 0, delayMs: 10 },
  });
  scheduler = new TimerScheduler(test.db, { instance: "test-instance", onEvent: (m) => events.push(m) });
  return scheduler.start([job]);
}

const runs = () =>
  test.db
    .selectFrom("jobRuns")
    .select(["job", "runKey", "scheduledFor", "attempt", "startedAt", "finishedAt", "outcome", "error", "deadLetter"])
    .orderBy("id")
    .execute();

const waitFor = <T>(what: string, check: () => Promise<T | undefined | false>) =>
  waitUntil(what, check, { intervalMs: 25, explain: async () => `runs: ${JSON.stringify(await runs())}` });

/** Attempts that ran (skipped ticks aside) never overlap: each starts after the previous one finished. */
function expectNoOverlap(rows: Awaited<ReturnType<typeof runs>>) {
  const ran = rows.filter((r) => r.outcome !== "skipped" && r.finishedAt);
  for (let i = 1; i < ran.length; i++) {
    expect(
      ran[i]!.startedAt >= ran[i - 1]!.finishedAt!,
      `${ran[i]!.runKey} started before the previous run ended`,
    ).toBe(true);
  }
}

describe("the in-process timer (SQLite)", () => {
  it("runs the GitHub sync against the simulator on every tick, and says when the next one is", async () => {
    const started = Date.now();
    await startScheduler({ everyMs: 400 });
    const [schedule] = await listScheduledJobs(test.db);
    expect(schedule).toMatchObject({ job: "github-sync", scheduler: "timer", everyMs: 400 });
    expect(Date.parse(schedule!.nextRunAt) % 400).toBe(0);
    // Ticks after the start, not one before it. The first may have come already (it is at most 400 ms
    // away): then the last run is its own.
    expect(Date.parse(schedule!.nextRunAt)).toBeGreaterThan(started);
    expect(schedule!.last === null || Date.parse(schedule!.last.scheduledFor) > started).toBe(true);

    const done = await waitFor("two successful syncs", async () => {
      const ok = (await runs()).filter((r) => r.outcome === "ok");
      return ok.length >= 2 && ok;
    });
    for (const run of done) {
      expect(Date.parse(run.scheduledFor) % 400, "runs start on the epoch-aligned ticks").toBe(0);
      expect(run).toMatchObject({ job: "github-sync", attempt: 1, error: null, deadLetter: 0 });
    }
    expect(Date.parse(done[1]!.scheduledFor)).toBeGreaterThan(Date.parse(done[0]!.scheduledFor));

    // The sync itself ran: the stages' PRs and the starter tasks are stored, with the sync's own runs.
    const contributions = await test.db
      .selectFrom("contributions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(contributions.n)).toBeGreaterThan(0);
    const sources = await test.db.selectFrom("importRuns").select(["source", "status"]).distinct().execute();
    expect(sources).toEqual(
      expect.arrayContaining([
        { source: "github:python/cpython pull requests", status: "done" },
        { source: "github:python/cpython starter tasks", status: "done" },
      ]),
    );
    // The second sync starts at the first one's cursor: it asks GitHub far less.
    const view = (await listScheduledJobs(test.db))[0]!;
    expect(view.last?.outcome === "ok" || view.last?.outcome === "running").toBe(true);
    expect(Date.parse(view.nextRunAt)).toBeGreaterThan(Date.parse(done[1]!.scheduledFor));
    expectNoOverlap(await runs());
  });

  it("never runs twice at once: a tick that comes while a slow sync is going is skipped and recorded", async () => {
    // The first sync's first request is held until two 200 ms ticks have come (and been skipped) meanwhile.
    const held = github.fail({ kind: "held" }, { times: 1, path: /^\/repos\/python\/cpython$/ });
    await startScheduler({ everyMs: 200 });
    try {
      await waitFor("two ticks skipped while the first sync waits", async () => {
        const skipped = (await runs()).filter((r) => r.outcome === "skipped");
        return skipped.length >= 2;
      });
    } finally {
      held.release(); // else stopping the scheduler would wait for the sync for good
    }
    const rows = await waitFor("a slow run, the ticks it skipped, and the next run", async () => {
      const all = await runs();
      const ok = all.filter((r) => r.outcome === "ok");
      return ok.length >= 2 && all;
    });
    const [slow, next] = rows.filter((r) => r.outcome === "ok");
    const skipped = rows.filter((r) => r.outcome === "skipped" && r.scheduledFor < next!.scheduledFor);
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    for (const tick of skipped) {
      expect(tick).toMatchObject({ attempt: 0, error: `the run of ${slow!.scheduledFor} was still going` });
      expect(tick.scheduledFor > slow!.scheduledFor && tick.scheduledFor < slow!.finishedAt!).toBe(true);
    }
    expect(new Set(rows.map((r) => r.scheduledFor)).size, "one row per tick").toBe(rows.length);
    expectNoOverlap(rows);
    expect(events.some((e) => e.includes("skipped"))).toBe(true);
  });

  it("retries a failing sync with a doubling delay, then records it as a dead letter the dashboard shows", async () => {
    // Ticks 3 s apart: the run is given up on some 0.3 s after its tick, and the checks below must be done
    // before the next tick's run is given up on in turn (it would be the footer's dead letter then).
    await startScheduler({ everyMs: 3000, token: "a-revoked-token", retry: { limit: 2, delayMs: 100 } });
    const rows = await waitFor("a run given up on after its retries", async () => {
      const all = await runs();
      return all.some((r) => r.deadLetter === 1) && all;
    });
    const run = rows.filter((r) => r.runKey === rows[0]!.runKey);
    expect(run.map((r) => [r.attempt, r.outcome, r.deadLetter])).toEqual([
      [1, "failed", 0],
      [2, "failed", 0],
      [3, "failed", 1],
    ]);
    expect(run[0]!.error).toMatch(/token/i);
    // 100 ms, then 200 ms between attempts.
    const gap = (a: number) => Date.parse(run[a]!.startedAt) - Date.parse(run[a - 1]!.finishedAt!);
    expect(gap(1)).toBeGreaterThanOrEqual(95);
    expect(gap(2)).toBeGreaterThanOrEqual(195);
    expect(run.every((r) => r.scheduledFor === run[0]!.scheduledFor)).toBe(true);

    const [view] = await listScheduledJobs(test.db);
    expect(view?.deadLetter).toMatchObject({ attempt: 3, outcome: "failed", scheduledFor: run[0]!.scheduledFor });
    expect(view?.deadLetter?.error).toBe(run[2]!.error);

    // The dashboard's footer: the next run, and the run given up on.
    const dashboard = await dashboardLoader({ request: new Request("http://steward.test/"), params: {}, context: {} });
    const lines = dashboard.schedule.map((l) => [l.failed, l.text]);
    expect(lines[0]).toEqual([
      false,
      // Seconds are left out when they are :00, as one tick a minute is.
      expect.stringMatching(/^Next GitHub sync: \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? UTC \(every 3 seconds\)\.$/),
    ]);
    expect(lines).toContainEqual([
      true,
      `Gave up on the GitHub sync due at ${run[0]!.scheduledFor
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC")
        .replace(/:00 UTC$/, " UTC")} after 3 attempts: ${run[2]!.error}`,
    ]);
  });

  it("closes, at start, a run the previous process left running", async () => {
    await test.db
      .insertInto("jobRuns")
      .values({
        job: "github-sync",
        runKey: "github-sync@2026-11-27T08:00:00.000Z",
        scheduledFor: "2026-11-27T08:00:00.000Z",
        attempt: 1,
        startedAt: "2026-11-27T08:00:00.010Z",
        finishedAt: null,
        outcome: "running",
        error: null,
        instance: "old-process",
      })
      .execute();
    await startScheduler({ everyMs: 3_600_000 });
    expect(await runs()).toEqual([
      expect.objectContaining({
        outcome: "failed",
        error: "stopped before it finished: the process running it ended",
        deadLetter: 0,
      }),
    ]);
  });
});

describe("npm start with SYNC_EVERY", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const start = (env: Record<string, string | undefined>) => {
    const file = path.join(test.dir, "started.sqlite");
    // It stops before serving: port 0 passes start.ts's check of the port, which comes first and would
    // stop it instead if a port picked beforehand were taken meanwhile.
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: file, PORT: "0", HOST: "127.0.0.1", ...env },
      encoding: "utf8",
    });
    return { ...result, created: fs.existsSync(file) };
  };

  it("refuses an interval it cannot read, before building or touching the database", () => {
    const result = start({ SYNC_EVERY: "hourly", GITHUB_TOKEN: "ghp_x" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      "steward: SYNC_EVERY=hourly is not an interval; write a whole number and a unit, e.g. 15m, 1h or 1d (m minutes, h hours, d days).",
    );
    expect(result.created).toBe(false);
  });

  it("refuses to schedule syncs without GITHUB_TOKEN", () => {
    const result = start({ SYNC_EVERY: "1h", GITHUB_TOKEN: "" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("SYNC_EVERY=1h schedules the GitHub sync, which needs GITHUB_TOKEN");
    expect(result.created).toBe(false);
  });
});
