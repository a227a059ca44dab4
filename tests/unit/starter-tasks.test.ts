import { describe, expect, it } from "vitest";
import { parseChecklist } from "../../app/stewardship/checklist";
import {
  checklistTask,
  claimCutoff,
  claimFields,
  claimLapsed,
  findClaim,
  findIssueClaim,
  kindOfClaim,
  labelledTask,
  type ClaimKind,
} from "../../app/stewardship/starter-tasks";
import { defaultConfig } from "../support/db";

const config = defaultConfig();
const now = "2026-11-25T12:00:00Z";

describe("claimCutoff", () => {
  it("is CLAIM_DAYS (30) before now, to the second, so SQL can compare it with stored dates", () => {
    expect(claimCutoff(now)).toBe("2026-10-26T12:00:00Z");
    expect(claimCutoff("2026-11-25T12:00:00.750Z")).toBe("2026-10-26T12:00:00Z");
    expect(claimCutoff(now, 3)).toBe("2026-11-22T12:00:00Z");
  });

  it("is where a claiming comment stops being found and its stored claim lapses, both at once", () => {
    const [item] = parseChecklist("- [ ] `_CALL_LEN`");
    for (const [createdAt, stands] of [
      ["2026-10-26T12:00:00Z", true],
      ["2026-10-26T11:59:59Z", false],
    ] as const) {
      const comments = [{ author: "newcomer", body: "I'll take `_CALL_LEN`", createdAt }];
      expect(findClaim({ item: item!, comments, openPullRequests: [], now }) !== null).toBe(stands);
      expect(
        findIssueClaim({ issue: { number: 1, assignees: [] }, comments, openPullRequests: [], now }) !== null,
      ).toBe(stands);
      expect(claimLapsed(createdAt, now)).toBe(!stands);
    }
  });
});

describe("kindOfClaim", () => {
  const issue = { number: 140321, assignees: [] as string[] };
  const pr = { number: 140400, title: "gh-140321: Print stencil sizes", author: "prauthor" };
  const comment = { author: "newcomer", body: "Can I take this one?", createdAt: "2026-11-22T10:00:00Z" };

  const cases: Array<[string, typeof issue, Array<typeof pr>, Array<typeof comment>, ClaimKind]> = [
    ["an assignee", { ...issue, assignees: ["mentor"] }, [], [], "assignee"],
    ["an open PR", issue, [pr], [], "pull-request"],
    ["a comment", issue, [], [comment], "comment"],
  ];
  it.each(cases)("tells a whole issue's claim by %s", (_, claimed, openPullRequests, comments, kind) => {
    const claim = findIssueClaim({ issue: claimed, comments, openPullRequests, now });
    expect(kindOfClaim(claim!, claimed)).toBe(kind);
  });

  it("tells a checklist item's claim by PR or by comment (items are never assigned)", () => {
    const [item] = parseChecklist("- [ ] `_CALL_LEN`");
    const byPr = findClaim({ item: item!, comments: [], openPullRequests: [{ ...pr, title: "_CALL_LEN" }], now });
    const byComment = findClaim({
      item: item!,
      comments: [{ ...comment, body: "I'll take _CALL_LEN" }],
      openPullRequests: [],
      now,
    });
    expect(kindOfClaim(byPr!)).toBe("pull-request");
    expect(kindOfClaim(byComment!)).toBe("comment");
  });

  it("stores no kind without a claim", () => {
    expect(claimFields(null)).toEqual({ claimedBy: null, claimKind: null, claimEvidence: null, claimedAt: null });
  });
});

describe("checklistTask", () => {
  const items = parseChecklist("- [x] `_BINARY_OP_ADD_INT` #135001\n- [ ] `_LOAD_ATTR_MODULE`");

  it("keys an item by its umbrella and position, and a ticked one is done", () => {
    const task = (index: number, claim: Parameters<typeof checklistTask>[0]["claim"] = null) =>
      checklistTask({
        umbrella: 134584,
        stageId: "middle-end",
        item: items[index]!,
        claim,
        labels: ["topic-JIT"],
        now,
      });
    expect(task(0)).toEqual({
      key: "134584#1",
      stageId: "middle-end",
      issueNumber: 134584,
      umbrellaNumber: 134584,
      title: "_BINARY_OP_ADD_INT #135001",
      state: "done",
      claimedBy: null,
      claimKind: null,
      claimEvidence: "ticked in the checklist",
      claimedAt: null,
      labels: ["topic-JIT"],
      updatedAt: now,
    });
    expect(
      task(1, { login: "newcomer", evidence: "claimed in a comment on 2026-11-22", at: "2026-11-22T10:00:00Z" }),
    ).toMatchObject({
      key: "134584#2",
      state: "open",
      claimedBy: "newcomer",
      claimKind: "comment",
      claimedAt: "2026-11-22T10:00:00Z",
    });
  });
});

describe("labelledTask", () => {
  const issue = {
    number: 146410,
    title: "Check stencil alignment on AArch64",
    body: "The stencils in Python/jit.c assume 8-byte alignment.",
    labels: ["easy"],
    assignees: ["mentor"],
  };

  it("places a labelled issue in a stage by the paths it mentions, claimed by its assignee", () => {
    expect(labelledTask(config, issue, now)).toMatchObject({
      key: "146410",
      stageId: "backend",
      umbrellaNumber: null,
      claimedBy: "mentor",
      claimKind: "assignee",
      claimEvidence: "assigned to mentor",
    });
  });

  it("leaves out an easy issue that nothing ties to the JIT", () => {
    expect(
      labelledTask(config, { ...issue, title: "Fix a typo in the tutorial", body: "In Doc/tutorial/index.rst." }, now),
    ).toBeNull();
  });
});
