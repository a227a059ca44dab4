import { describe, expect, it } from "vitest";
import { generateDemo } from "../../app/demo/generate";

describe("generateDemo", () => {
  it("is deterministic for a seed and an anchor date", () => {
    const a = generateDemo({ anchorDate: "2026-11-25" });
    const b = generateDemo({ anchorDate: "2026-11-25" });
    expect(b).toEqual(a);
    expect(generateDemo({ anchorDate: "2026-11-25", seed: 1 }).contributions[0]?.sha).not.toBe(a.contributions[0]?.sha);
  });

  it("spans about two years ending on the anchor, oldest first", () => {
    const { contributions } = generateDemo({ anchorDate: "2026-11-25" });
    const first = contributions[0]?.occurredAt ?? "";
    const last = contributions.at(-1)?.occurredAt ?? "";
    expect(first < "2024-11-25").toBe(true);
    expect(first > "2024-10-01").toBe(true);
    expect(last <= "2026-11-25T23:59:59Z").toBe(true);
    expect(last >= "2026-11-15").toBe(true);
    expect([...contributions].sort((x, y) => (x.occurredAt < y.occurredAt ? -1 : 1))).toEqual(contributions);
  });

  it("moves with the anchor date, so seeded demo data is always current", () => {
    const later = generateDemo({ anchorDate: "2027-05-01" }).contributions.at(-1)?.occurredAt ?? "";
    expect(later.startsWith("2027-0")).toBe(true);
  });

  it("uses CPython-style subjects, unique shas and PR numbers", () => {
    const { contributions } = generateDemo({ anchorDate: "2026-11-25" });
    expect(contributions.length).toBeGreaterThan(1500);
    expect(new Set(contributions.map((c) => c.sha)).size).toBe(contributions.length);
    expect(new Set(contributions.map((c) => c.prNumber)).size).toBe(contributions.length);
    for (const c of contributions) expect(c.title).toMatch(/^(\[3\.14\] )?gh-\d+: .+ \(#\d+\)$/);
  });

  it("offers starter tasks in every stage: done, claimed and free", () => {
    const { starterTasks } = generateDemo({ anchorDate: "2026-11-25" });
    const refcount = starterTasks.filter((t) => t.umbrellaNumber === 134584);
    expect(refcount).toHaveLength(12);
    expect(refcount.filter((t) => t.state === "done")).toHaveLength(7);
    expect(refcount.filter((t) => t.state === "open" && t.claimedBy)).toHaveLength(2);
    expect(refcount.filter((t) => t.state === "open" && !t.claimedBy)).toHaveLength(3);
    expect(new Set(starterTasks.map((t) => t.stageId))).toEqual(new Set(["frontend", "middle-end", "backend"]));
    expect(new Set(starterTasks.map((t) => t.key)).size).toBe(starterTasks.length);
  });
});
