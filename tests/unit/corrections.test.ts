import { describe, expect, it } from "vitest";
import type { Classification } from "../../app/stewardship/classify";
import {
  applyCorrection,
  correctionAuditStage,
  correctionFields,
  parseContributionRef,
  standingCorrection,
} from "../../app/stewardship/corrections";
import { z } from "zod";

const stageIds = ["frontend", "middle-end", "backend"];

// The classifier's verdict on "gh-127000: Rename the private C API everywhere (#127001)": no stage.
const sweep: Classification = {
  stages: [],
  scores: { frontend: 0, "middle-end": 0.05, backend: 0 },
  evidence: [
    {
      rule: "graze",
      stageId: "middle-end",
      detail: "Python/optimizer_analysis.c is 1% of the changed lines",
      weight: 0,
    },
  ],
  jitRelated: true,
};

// "JIT: LLVM 20" labelled backend from Tools/jit/ files.
const backend: Classification = {
  stages: [{ stageId: "backend", score: 0.9 }],
  scores: { frontend: 0, "middle-end": 0, backend: 0.9 },
  evidence: [{ rule: "path", stageId: "backend", detail: "Tools/jit/_llvm.py is backend", weight: 0.9 }],
  jitRelated: true,
};

describe("applyCorrection", () => {
  it("sets exactly the corrected stages, in the configuration's order, with the steward's words as evidence", () => {
    const corrected = applyCorrection(
      sweep,
      { stageIds: ["backend", "middle-end"], reason: "reworks the optimizer's C API", login: "steward-sam" },
      stageIds,
    );
    expect(corrected.stages).toEqual([
      { stageId: "middle-end", score: 1 },
      { stageId: "backend", score: 1 },
    ]);
    expect(corrected.evidence).toEqual([
      {
        rule: "correction",
        stageId: "middle-end",
        detail: "set by @steward-sam: reworks the optimizer's C API",
        weight: 1,
      },
      {
        rule: "correction",
        stageId: "backend",
        detail: "set by @steward-sam: reworks the optimizer's C API",
        weight: 1,
      },
    ]);
    expect(corrected.scores).toEqual(sweep.scores);
  });

  it("sets no stage with one line of evidence that weighs nothing", () => {
    const corrected = applyCorrection(backend, { stageIds: [], reason: "a build-bot fix", login: "alice-l" }, stageIds);
    expect(corrected.stages).toEqual([]);
    expect(corrected.evidence).toEqual([
      { rule: "correction", stageId: null, detail: "set by @alice-l: a build-bot fix", weight: 0 },
    ]);
  });

  it("ignores a stage the configuration no longer has", () => {
    const corrected = applyCorrection(
      sweep,
      { stageIds: ["interpreter", "backend"], reason: "r", login: "alice-l" },
      stageIds,
    );
    expect(corrected.stages.map((s) => s.stageId)).toEqual(["backend"]);
  });
});

describe("standingCorrection", () => {
  it.each([
    [[], null],
    [[{ id: 1, undoneAt: null }], 1],
    [
      [
        { id: 1, undoneAt: null },
        { id: 2, undoneAt: null },
      ],
      2,
    ],
    [
      [
        { id: 2, undoneAt: null },
        { id: 1, undoneAt: null },
      ],
      2,
    ],
    [
      [
        { id: 1, undoneAt: null },
        { id: 2, undoneAt: "2026-11-27T09:00:00Z" },
      ],
      1,
    ],
    [
      [
        { id: 1, undoneAt: "2026-11-27T08:00:00Z" },
        { id: 2, undoneAt: "2026-11-27T09:00:00Z" },
      ],
      null,
    ],
  ])("among %j the standing one is %s", (corrections, expected) => {
    expect(standingCorrection(corrections)?.id ?? null).toBe(expected);
  });
});

describe("correctionAuditStage", () => {
  it.each([
    [["backend"], ["middle-end"], "middle-end"],
    [["backend"], [], "backend"],
    [[], [], null],
  ])("from %j to %j is filed under %s", (before, after, expected) => {
    expect(correctionAuditStage(before, after)).toBe(expected);
  });
});

describe("parseContributionRef", () => {
  it.each([
    ["#135001", { pr: 135001 }],
    [" #135001 ", { pr: 135001 }],
    ["A1B2C3D", { sha: "a1b2c3d" }],
    ["3f786850e387550fdab836ed7e6dc881de23001b", { sha: "3f786850e387550fdab836ed7e6dc881de23001b" }],
    ["135001", null],
    ["#0", null],
    ["abc12", null],
    ["gh-135001", null],
    ["3f786850e387550fdab836ed7e6dc881de23001b0", null],
  ])("%j → %j", (text, expected) => {
    expect(parseContributionRef(text)).toEqual(expected);
  });
});

describe("correctionFields", () => {
  const schema = z.object(correctionFields(stageIds));

  it("keeps configured stages in the configuration's order, without repeats, and trims the reason", () => {
    expect(schema.parse({ stages: ["backend", "frontend", "backend"], reason: "  trace recording  " })).toEqual({
      stages: ["frontend", "backend"],
      reason: "trace recording",
    });
    expect(schema.parse({ stages: [], reason: "not JIT work" }).stages).toEqual([]);
  });

  it.each([
    [{ stages: ["compiler"], reason: "r" }, "stages.0", /configured stage \(frontend, middle-end, backend\)/],
    [{ reason: "r" }, "stages", /list the stages/],
    [{ stages: [] }, "reason", /say why/],
    [{ stages: [], reason: "   " }, "reason", /say why/],
    [{ stages: [], reason: "x".repeat(501) }, "reason", /at most 500 characters/],
  ])("refuses %j naming %s", (input, field, message) => {
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path.join(".")).toBe(field);
    expect(issue?.message).toMatch(message);
  });
});
