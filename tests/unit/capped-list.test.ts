import { describe, expect, it } from "vitest";
import { capList } from "../../app/stewardship/capped-list";

describe("capList", () => {
  it.each([
    { all: [], limit: 3, total: undefined, items: [], more: 0 },
    { all: ["a", "b"], limit: 3, total: undefined, items: ["a", "b"], more: 0 },
    { all: ["a", "b", "c", "d", "e"], limit: 3, total: undefined, items: ["a", "b", "c"], more: 2 },
    // The first few loaded, the total known from a count: "and 9 more".
    { all: ["a", "b", "c"], limit: 3, total: 12, items: ["a", "b", "c"], more: 9 },
  ])("keeps $limit of $all.length (total $total) and counts the rest", ({ all, limit, total, items, more }) => {
    expect(capList(all, limit, total)).toEqual({ items, more });
  });
});
