import { describe, expect, it } from "vitest";
import { describeInterval, nextTickAfter, parseInterval, retryDelayMs, tickAt } from "../../app/stewardship/schedule";

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
