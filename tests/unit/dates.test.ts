import { describe, expect, it } from "vitest";
import { isoSeconds } from "../../app/stewardship/dates";

describe("isoSeconds", () => {
  it("writes any instant as UTC to the second, as GitHub and git timestamps are stored", () => {
    expect(isoSeconds("2026-11-20T10:30:00+02:00")).toBe("2026-11-20T08:30:00Z");
    expect(isoSeconds("2026-11-20T08:30:00.999Z")).toBe("2026-11-20T08:30:00Z");
    expect(isoSeconds(Date.UTC(2026, 10, 20, 8, 30))).toBe("2026-11-20T08:30:00Z");
    expect(isoSeconds(new Date(1_700_000_000_000))).toBe("2023-11-14T22:13:20Z");
  });
});
