import { describe, expect, it } from "vitest";
import {
  followUpLines,
  followUpsOffLine,
  describeInterval,
  nextTickAfter,
  parseInterval,
  retryDelayMs,
  scheduledJobLines,
  tickAt,
} from "../../app/stewardship/schedule";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("parseInterval", () => {
  it.each([
    ["15m", 15 * 60_000],
    ["1h", 3_600_000],
    [" 6h ", 6 * 3_600_000],
    ["1d", 86_400_000],
    ["90m", 90 * 60_000],
    ["7d", 7 * 86_400_000],
  ])("reads %j", (value, everyMs) => {
    expect(parseInterval(value)).toEqual({ ok: true, everyMs, text: value.trim() });
  });

  it.each(["", "15", "m", "1.5h", "1w", "15 m", "-1h", "1H", "PT1H", "1h30m"])(
    "refuses %j, saying how to write one",
    (value) => {
      expect(parseInterval(value)).toEqual({
        ok: false,
        message: `SYNC_EVERY=${value} is not an interval; write a whole number and a unit, e.g. 15m, 1h or 1d (m minutes, h hours, d days).`,
      });
    },
  );

  it.each(["0m", "8d", "200h"])("refuses %j as out of range", (value) => {
    expect(parseInterval(value)).toMatchObject({ ok: false, message: expect.stringContaining("from 1m to 7d") });
  });

  it("names the setting it was given", () => {
    expect(parseInterval("soon", "RESOLVE_EVERY")).toMatchObject({
      message: expect.stringMatching(/^RESOLVE_EVERY=soon /),
    });
  });
});

describe("ticks", () => {
  const hour = 3_600_000;
  it.each([
    ["2026-11-27T08:31:09.250Z", hour, "2026-11-27T08:00:00.000Z", "2026-11-27T09:00:00.000Z"],
    ["2026-11-27T09:00:00.000Z", hour, "2026-11-27T09:00:00.000Z", "2026-11-27T10:00:00.000Z"],
    ["2026-11-27T08:59:59.999Z", 15 * 60_000, "2026-11-27T08:45:00.000Z", "2026-11-27T09:00:00.000Z"],
    ["2026-11-27T23:59:00.000Z", 24 * hour, "2026-11-27T00:00:00.000Z", "2026-11-28T00:00:00.000Z"],
    ["2026-12-31T23:30:00.000Z", 90 * 60_000, "2026-12-31T22:30:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["2026-11-27T08:31:09.250Z", 200, "2026-11-27T08:31:09.200Z", "2026-11-27T08:31:09.400Z"],
  ])("at %s every %d ms: this tick %s, next %s", (now, everyMs, tick, next) => {
    expect(iso(tickAt(at(now), everyMs))).toBe(tick);
    expect(iso(nextTickAfter(at(now), everyMs))).toBe(next);
  });

  it("gives every instance the same next tick, whenever each started", () => {
    const started = ["2026-11-27T08:01:00Z", "2026-11-27T08:44:59Z", "2026-11-27T08:30:00.001Z"];
    expect(new Set(started.map((s) => nextTickAfter(at(s), hour))).size).toBe(1);
  });
});

describe("retryDelayMs", () => {
  it("doubles after each failed attempt", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
  });
});

describe("describeInterval", () => {
  it.each([
    [60_000, "every minute"],
    [15 * 60_000, "every 15 minutes"],
    [90 * 60_000, "every 90 minutes"],
    [3_600_000, "every hour"],
    [6 * 3_600_000, "every 6 hours"],
    [86_400_000, "every day"],
    [200, "every 0.2 seconds"],
  ])("%d ms is said %j", (everyMs, text) => {
    expect(describeInterval(everyMs)).toBe(text);
  });
});

describe("scheduledJobLines", () => {
  const now = at("2026-11-27T08:31:09Z");
  const base = {
    job: "github-sync",
    everyMs: 3_600_000,
    nextRunAt: "2026-11-27T09:00:00.000Z",
    last: null,
    deadLetter: null,
    skippedSince: 0,
  };
  const run = (fields: Partial<NonNullable<Parameters<typeof scheduledJobLines>[0]["last"]>>) => ({
    outcome: "ok" as const,
    scheduledFor: "2026-11-27T08:00:00.000Z",
    startedAt: "2026-11-27T08:00:00.012Z",
    finishedAt: "2026-11-27T08:02:31.400Z",
    attempt: 1,
    error: null,
    ...fields,
  });
  const texts = (status: Parameters<typeof scheduledJobLines>[0]) =>
    scheduledJobLines(status, now).map((l) => `${l.failed ? "! " : ""}${l.text}`);

  it("says when the next run is, before any has run", () => {
    expect(texts(base)).toEqual(["Next GitHub sync: 2026-11-27 09:00 UTC (every hour)."]);
  });

  it("gives the last run's outcome", () => {
    expect(texts({ ...base, last: run({}) })).toEqual([
      "Next GitHub sync: 2026-11-27 09:00 UTC (every hour).",
      "Last scheduled GitHub sync: ok, finished 2026-11-27 08:02:31 UTC.",
    ]);
    expect(texts({ ...base, last: run({ outcome: "running", finishedAt: null, attempt: 2 }) })[1]).toBe(
      "A GitHub sync has been running since 2026-11-27 08:00 UTC (attempt 2).",
    );
    expect(texts({ ...base, last: run({ outcome: "failed", error: "GitHub answered 502" }) })[1]).toBe(
      "! Last scheduled GitHub sync failed at 2026-11-27 08:02:31 UTC (attempt 1; it will be retried): GitHub answered 502",
    );
  });

  it("shows a run given up on after its retries once, as the dead letter", () => {
    const dead = run({ outcome: "failed", attempt: 3, error: "Bad credentials: the token was refused" });
    expect(texts({ ...base, last: dead, deadLetter: dead })).toEqual([
      "Next GitHub sync: 2026-11-27 09:00 UTC (every hour).",
      "! Gave up on the GitHub sync due at 2026-11-27 08:00 UTC after 3 attempts: Bad credentials: the token was refused",
    ]);
  });

  it("counts skipped ticks, and warns when the next run is long overdue", () => {
    expect(texts({ ...base, everyMs: 60_000, nextRunAt: "2026-11-27T08:31:00.000Z", skippedSince: 2 })).toEqual([
      "Next GitHub sync: 2026-11-27 08:31 UTC (every minute).",
      "2 ticks were skipped because the previous GitHub sync was still going.",
    ]);
    expect(texts({ ...base, nextRunAt: "2026-11-27T07:00:00.000Z" })).toEqual([
      "! The GitHub sync was due at 2026-11-27 07:00 UTC and has not run: is the app's scheduler running?",
    ]);
  });
});

describe("followUpsOffLine", () => {
  it("speaks only when webhooks are on and no token can fetch their pull requests' files", () => {
    expect(followUpsOffLine({ webhooksOn: true, tokenSet: false })).toBe(
      "Webhooks bring pull requests without their files and reviews, and GITHUB_TOKEN is not set to fetch them: their stages wait for a sync, which fetches a pull request once it is merged.",
    );
    expect(followUpsOffLine({ webhooksOn: true, tokenSet: true })).toBeNull();
    expect(followUpsOffLine({ webhooksOn: false, tokenSet: false })).toBeNull();
    expect(followUpsOffLine({ webhooksOn: false, tokenSet: true })).toBeNull();
  });
});

describe("followUpLines", () => {
  const now = at("2026-11-27T10:05:00Z");
  const quiet = { givenUp: null, waiting: 0, oldestDueAt: null };
  const latest = {
    pr: 135210,
    title: "gh-134584: Teach the optimizer that _GUARD_TYPE_VERSION holds after a store to the same object",
    at: "2026-11-27T10:02:31.400Z",
    error: "GitHub's GraphQL API answered with an error for python/cpython: Something went wrong.\nRequest id 1A2B",
  };
  const texts = (status: Parameters<typeof followUpLines>[0]) =>
    followUpLines(status, now).map((l) => `${l.failed ? "! " : ""}${l.text}`);

  it("says nothing when no follow-up failed lately and none waits long", () => {
    expect(texts(quiet)).toEqual([]);
    // Waiting, but due only seconds ago (or not yet: a retry's backoff): the scheduler is keeping up.
    expect(texts({ ...quiet, waiting: 3, oldestDueAt: "2026-11-27T10:04:30.000Z" })).toEqual([]);
    expect(texts({ ...quiet, waiting: 2, oldestDueAt: null })).toEqual([]);
  });

  it("names the one follow-up given up on, its pull request, a short error and what fetches it now", () => {
    expect(texts({ ...quiet, givenUp: { count: 1, since: latest.at, latest } })).toEqual([
      "! A pull request follow-up failed after its retries: #135210 “gh-134584: Teach the optimizer that _GUARD_TYPE_VERSION…” at 2026-11-27 10:02:31 UTC: GitHub's GraphQL API answered with an error for python/cpython: Something went wrong. That pull request is fetched again at its next webhook delivery or, once merged, by the next sync.",
    ]);
  });

  it("counts several since the first, with the latest's error cut short", () => {
    const error = `GitHub answered 502 Bad Gateway ${"x".repeat(300)}`;
    const [line] = texts({
      ...quiet,
      givenUp: { count: 4, since: "2026-11-27T09:00:00.000Z", latest: { ...latest, title: null, error } },
    });
    expect(line).toMatch(
      /^! 4 pull request follow-ups failed after their retries since 2026-11-27 09:00 UTC; the latest, #135210 at 2026-11-27 10:02:31 UTC: GitHub answered 502 Bad Gateway x+…\. Those pull requests are fetched again at their next webhook delivery or, once merged, by the next sync\.$/,
    );
    expect(line!.length).toBeLessThan(400);
  });

  it("warns of a backed-up queue with how many wait", () => {
    expect(texts({ ...quiet, waiting: 12, oldestDueAt: "2026-11-27T10:01:00.000Z" })).toEqual([
      "! 12 pull request follow-ups are waiting, the oldest due since 2026-11-27 10:01 UTC: is the app's scheduler running? (A spent GitHub rate limit holds them too; the log says so.)",
    ]);
    expect(texts({ ...quiet, waiting: 1, oldestDueAt: "2026-11-27T10:01:00.000Z" })[0]).toMatch(
      /^! 1 pull request follow-up is waiting/,
    );
  });
});
