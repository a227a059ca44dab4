import { describe, expect, it } from "vitest";
import { idlePlanNote } from "../../app/stewardship/mentoring";

describe("idlePlanNote", () => {
  it.each([
    ["active", "2026-10-01T09:00:00Z", "2026-01-01T00:00:00Z", "2026-11-27", null],
    ["active", "2026-09-28T09:00:00Z", "2026-01-01T00:00:00Z", "2026-11-27", "no work in the stage for 60 days"],
    ["active", null, "2026-08-01T00:00:00Z", "2026-11-27", "no work in the stage since the plan began 118 days ago"],
    ["active", null, "2026-11-01T00:00:00Z", "2026-11-27", null],
    ["paused", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2026-11-27", null],
  ] as const)("%s plan, mentee last active %s → %s", (status, menteeLastActive, createdAt, asOf, expected) => {
    expect(idlePlanNote({ status, menteeLastActive, createdAt }, asOf)).toBe(expected);
  });
});
