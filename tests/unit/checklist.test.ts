import { describe, expect, it } from "vitest";
import { parseChecklist } from "../../app/stewardship/checklist";
import { claimLapsed, findClaim, findIssueClaim, mentionedPaths } from "../../app/stewardship/starter-tasks";

const umbrella = [
  "Part of the 3.15 refcount work. Pick one, comment, open a PR titled `gh-134584: …`.",
  "",
  "- [x] `_BINARY_OP_ADD_INT` #135001",
  "- [ ] `_BINARY_OP_SUBSCR_LIST_INT`",
  "* [X] _COMPARE_OP_STR (done in #135200)",
  "  - [ ] `_LOAD_ATTR_MODULE`",
  "```",
  "- [ ] not an item: inside a code block",
  "```",
  "- [ ]  Document the new helpers",
  "- [] malformed, ignored",
].join("\r\n");

describe("parseChecklist", () => {
  it("reads each checklist item with its state and identifier", () => {
    expect(parseChecklist(umbrella)).toEqual([
      { index: 1, text: "`_BINARY_OP_ADD_INT` #135001", done: true, identifier: "_BINARY_OP_ADD_INT" },
      { index: 2, text: "`_BINARY_OP_SUBSCR_LIST_INT`", done: false, identifier: "_BINARY_OP_SUBSCR_LIST_INT" },
      { index: 3, text: "_COMPARE_OP_STR (done in #135200)", done: true, identifier: "_COMPARE_OP_STR" },
      { index: 4, text: "`_LOAD_ATTR_MODULE`", done: false, identifier: "_LOAD_ATTR_MODULE" },
      { index: 5, text: "Document the new helpers", done: false, identifier: "Document the new helpers" },
    ]);
    expect(parseChecklist(null)).toEqual([]);
  });
});

describe("findClaim", () => {
  const [, subscr, , loadAttr] = parseChecklist(umbrella);
  const now = "2026-11-25T12:00:00Z";

  it("takes an open PR that names the item as the claim", () => {
    expect(
      findClaim({
        item: subscr!,
        comments: [
          { author: "someone", body: "I'll take `_BINARY_OP_SUBSCR_LIST_INT`", createdAt: "2026-11-20T00:00:00Z" },
        ],
        openPullRequests: [
          {
            number: 140123,
            title: "gh-134584: Eliminate redundant refcounting from _BINARY_OP_SUBSCR_LIST_INT",
            author: "newcomer",
          },
        ],
        now,
      }),
    ).toEqual({
      login: "newcomer",
      evidence: "open PR #140123 names _BINARY_OP_SUBSCR_LIST_INT",
      at: null,
    });
  });

  it("takes a recent claiming comment, the latest one, and ignores old or unrelated ones", () => {
    const comments = [
      { author: "old", body: "I'd like to work on _LOAD_ATTR_MODULE", createdAt: "2026-09-01T00:00:00Z" },
      { author: "asker", body: "What does _LOAD_ATTR_MODULE do?", createdAt: "2026-11-20T00:00:00Z" },
      { author: "other", body: "I'll take _LOAD_ATTR_MODULE_FROM_KEYS", createdAt: "2026-11-21T00:00:00Z" },
      { author: "fresh", body: "Hi! Can I take `_LOAD_ATTR_MODULE`?", createdAt: "2026-11-22T00:00:00Z" },
    ];
    expect(findClaim({ item: loadAttr!, comments, openPullRequests: [], now })).toEqual({
      login: "fresh",
      evidence: "claimed in a comment on 2026-11-22",
      at: "2026-11-22T00:00:00Z",
    });
    expect(findClaim({ item: loadAttr!, comments: comments.slice(0, 3), openPullRequests: [], now })).toBeNull();
  });

  it("never claims a done item", () => {
    const done = parseChecklist(umbrella)[0]!;
    expect(
      findClaim({
        item: done,
        comments: [],
        openPullRequests: [{ number: 1, title: "_BINARY_OP_ADD_INT", author: "x" }],
        now,
      }),
    ).toBeNull();
  });
});

describe("findIssueClaim", () => {
  const now = "2026-11-25T12:00:00Z";
  const issue = { number: 140123, assignees: [] as string[] };
  const comments = [
    { author: "old", body: "I'd like to work on this", createdAt: "2026-09-01T10:00:00Z" },
    { author: "asker", body: "Which file holds the thresholds?", createdAt: "2026-11-20T10:00:00Z" },
    { author: "newcomer", body: "Can I take this one?", createdAt: "2026-11-22T10:00:00Z" },
  ];
  const pr = { number: 140200, title: "gh-140123: Print stencil sizes", author: "prauthor", body: "" };

  it("prefers an assignee, then an open PR referencing the issue, then a recent claiming comment", () => {
    expect(
      findIssueClaim({ issue: { ...issue, assignees: ["owner"] }, comments, openPullRequests: [pr], now }),
    ).toEqual({
      login: "owner",
      evidence: "assigned to owner",
      at: null,
    });
    expect(findIssueClaim({ issue, comments, openPullRequests: [pr], now })).toEqual({
      login: "prauthor",
      evidence: "open PR #140200 references gh-140123",
      at: null,
    });
    expect(findIssueClaim({ issue, comments, openPullRequests: [], now })).toEqual({
      login: "newcomer",
      evidence: "claimed in a comment on 2026-11-22",
      at: "2026-11-22T10:00:00Z",
    });
  });

  it("reads `#N` in a PR body, and ignores other numbers and stale or non-claiming comments", () => {
    const byBody = { number: 7, title: "Verbose JIT build output", author: "b", body: "Fixes #140123." };
    expect(findIssueClaim({ issue, comments: [], openPullRequests: [byBody], now })?.login).toBe("b");
    const longer = { number: 8, title: "gh-1401234: something else", author: "c", body: "See #14012" };
    expect(findIssueClaim({ issue, comments: [], openPullRequests: [longer], now })).toBeNull();
    expect(findIssueClaim({ issue, comments: comments.slice(0, 2), openPullRequests: [], now })).toBeNull();
  });
});

describe("claimLapsed", () => {
  it("lapses a dated claim after 30 days and never an undated one", () => {
    const now = "2026-11-25T12:00:00Z";
    expect(claimLapsed("2026-10-26T12:00:00Z", now)).toBe(false); // exactly 30 days
    expect(claimLapsed("2026-10-26T11:59:59Z", now)).toBe(true);
    expect(claimLapsed(null, now)).toBe(false);
    expect(claimLapsed("2026-11-20T00:00:00Z", now, 3)).toBe(true);
  });
});

describe("mentionedPaths", () => {
  it("finds repository paths in an issue body", () => {
    expect(mentionedPaths("See Python/jit.c and `Tools/jit/_targets.py`; also Python/jit.c again.")).toEqual([
      "Python/jit.c",
      "Tools/jit/_targets.py",
    ]);
  });
});
