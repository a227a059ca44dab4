import { describe, expect, it } from "vitest";
import { checkGoalInput, goalProgress, stageGoals } from "../../app/stewardship/goals";

describe("goalProgress", () => {
  it.each([
    // target, due, maintainers, asOf → text, met, overdue
    [2, "2027-03-01", 1, "2026-11-27", "2 by 2027-03-01, 1 now", false, false],
    [2, "2026-03-01", 1, "2026-11-27", "2 by 2026-03-01, 1 now", false, true],
    [2, "2026-03-01", 2, "2026-11-27", "2 by 2026-03-01, 2 now", true, false],
    [2, "2026-03-01", 3, "2026-11-27", "2 by 2026-03-01, 3 now", true, false],
    // Due on the as-of day itself: not yet overdue; the day after, it is.
    [2, "2026-11-27", 0, "2026-11-27", "2 by 2026-11-27, 0 now", false, false],
    [2, "2026-11-26", 0, "2026-11-27", "2 by 2026-11-26, 0 now", false, true],
    [2, null, 0, "2026-11-27", "2 wanted (no date set), 0 now", false, false],
  ] as const)("%i by %s with %i as of %s", (target, dueOn, maintainers, asOf, text, met, overdue) => {
    expect(goalProgress({ target, dueOn }, maintainers, asOf)).toEqual({ text, met, overdue });
  });
});

describe("stageGoals", () => {
  it("takes a steward's goal over the configuration's, which has no date, and drops unconfigured stages", () => {
    const stages = [
      { id: "frontend", goal: 2 },
      { id: "middle-end", goal: 3 },
    ];
    const set = {
      stageId: "frontend",
      target: 4,
      dueOn: "2027-01-01",
      updatedAt: "2026-11-01T10:00:00Z",
      updatedBy: "sam",
    };
    const gone = { ...set, stageId: "optimizer" };
    expect(stageGoals(stages, [set, gone])).toEqual([
      set,
      { stageId: "middle-end", target: 3, dueOn: null, updatedAt: null, updatedBy: null },
    ]);
  });
});

describe("checkGoalInput", () => {
  const stages = ["frontend", "middle-end", "backend"];
  it.each([
    [{ stage: "midend", target: 2, by: "2027-03-01" }, "stage", /no stage "midend"; use one of: frontend/],
    [{ stage: "backend", target: 0, by: "2027-03-01" }, "target", /at least 1/],
    [{ stage: "backend", target: -3, by: "2027-03-01" }, "target", /at least 1/],
    [{ stage: "backend", target: 1.5, by: "2027-03-01" }, "target", /whole number/],
    [{ stage: "backend", target: "two", by: "2027-03-01" }, "target", /whole number/],
    [{ stage: "backend", target: "", by: "2027-03-01" }, "target", /whole number/],
    [{ stage: "backend", target: 101, by: "2027-03-01" }, "target", /at most 100/],
    [{ stage: "backend", target: 2, by: "2027-02-30" }, "by", /calendar date/],
    [{ stage: "backend", target: 2, by: "01/03/2027" }, "by", /calendar date/],
    [{ stage: "backend", target: 2 }, "by", /calendar date/],
  ])("refuses %j, naming %s", (input, field, message) => {
    const checked = checkGoalInput(input, stages);
    expect(checked).toMatchObject({ ok: false, field });
    if (!checked.ok) expect(checked.message).toMatch(message);
  });

  it("takes a form's text and the API's numbers alike", () => {
    expect(checkGoalInput({ stage: "backend", target: "3", by: " 2027-03-01 " }, stages)).toEqual({
      ok: true,
      value: { stageId: "backend", target: 3, dueOn: "2027-03-01" },
    });
    expect(checkGoalInput({ stage: "backend", target: 3, by: "2027-03-01" }, stages)).toMatchObject({ ok: true });
  });
});
