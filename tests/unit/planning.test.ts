import { describe, expect, it } from "vitest";
import { groupDepartures, planStages, sharedMaintainers, type PlanStageInput } from "../../app/stewardship/planning";

const person = (id: number, name: string, credit: number) => ({ id, login: name.toLowerCase(), name, credit });
const maintainer = (id: number, name: string, credit: number, countsUntil: string) => ({
  ...person(id, name, credit),
  countsUntil,
});

const stages: PlanStageInput[] = [
  {
    id: "frontend",
    name: "Frontend",
    goal: 2,
    maintainers: [maintainer(1, "Ana", 5, "2027-03-01")],
    others: [person(4, "Dev", 1.5), person(2, "Ben", 1), person(5, "Eve", 0.5)],
  },
  {
    id: "middle-end",
    name: "Middle-end",
    goal: 2,
    maintainers: [
      maintainer(2, "Ben", 9, "2027-04-01"),
      maintainer(3, "Cy", 3, "2027-01-15"),
      maintainer(1, "Ana", 2, "2026-12-31"),
    ],
    others: [],
  },
  {
    id: "backend",
    name: "Backend",
    goal: 2,
    maintainers: [maintainer(1, "Ana", 4, "2027-02-01"), maintainer(3, "Cy", 2, "2026-12-20")],
    others: [],
  },
];

describe("planStages", () => {
  const plans = planStages(stages, { minCredit: 2 });
  const plan = (id: string) => plans.find((p) => p.id === id);

  it("says what one person stepping away does to each stage", () => {
    expect(plan("frontend")).toMatchObject({ status: "at-risk", shortBy: 1 });
    expect(plan("frontend")?.maintainers.map((m) => [m.person.name, m.statusIfAway, m.critical])).toEqual([
      ["Ana", "unmet", true],
    ]);
    // Three maintainers for a goal of two: anyone may step away.
    expect(plan("middle-end")?.maintainers.every((m) => m.statusIfAway === "met" && !m.critical)).toBe(true);
    expect(plan("middle-end")?.summary).toBe(
      "Goal met with 3 of 2, 1 to spare; nobody else has stage work in the window yet.",
    );
    expect(plan("backend")?.maintainers.map((m) => [m.person.name, m.statusIfAway, m.critical])).toEqual([
      ["Cy", "at-risk", true],
      ["Ana", "at-risk", true],
    ]);
    expect(plan("backend")?.summary).toBe(
      "Goal met with 2 of 2, none to spare; nobody else has stage work in the window yet.",
    );
  });

  it("orders maintainers by the day they lapse without new work, and names their other stages", () => {
    expect(plan("middle-end")?.maintainers.map((m) => [m.person.name, m.countsUntil, m.alsoMaintains])).toEqual([
      ["Ana", "2026-12-31", ["frontend", "backend"]],
      ["Cy", "2027-01-15", ["backend"]],
      ["Ben", "2027-04-01", []],
    ]);
  });

  it("ranks the next maintainers by what they still need, and marks who already maintains another stage", () => {
    expect(plan("frontend")?.candidates.map((c) => [c.person.name, c.needs, c.maintains])).toEqual([
      ["Dev", 0.5, []],
      ["Ben", 1, ["middle-end"]],
      ["Eve", 1.5, []],
    ]);
    expect(plan("frontend")?.summary).toBe("1 more maintainer wanted to reach 2; 3 contributors are on the way.");
    expect(planStages(stages, { minCredit: 2, candidates: 1 })[0]?.candidates).toHaveLength(1);
  });
});

describe("sharedMaintainers", () => {
  it("lists people maintaining several stages, those whose absence weakens the most first", () => {
    const shared = sharedMaintainers(planStages(stages, { minCredit: 2 }));
    expect(shared.map((s) => [s.person.name, s.stages, s.wouldWeaken])).toEqual([
      ["Ana", ["frontend", "middle-end", "backend"], ["frontend", "backend"]],
      ["Cy", ["middle-end", "backend"], ["backend"]],
    ]);
  });
});

describe("groupDepartures", () => {
  const plans = planStages(stages, { minCredit: 2 });
  const groups = (id: string) =>
    groupDepartures(plans.find((p) => p.id === id)?.maintainers ?? []).map((g) => [
      g.statusIfAway,
      g.critical,
      g.people.map((p) => p.name),
    ]);

  it("says once that any one of a stage's maintainers could step away when none would change its status", () => {
    expect(groups("middle-end")).toEqual([["met", false, ["Ana", "Cy", "Ben"]]]);
  });

  it("lists the departures that change the status", () => {
    expect(groups("backend")).toEqual([["at-risk", true, ["Cy", "Ana"]]]);
    expect(groups("frontend")).toEqual([["unmet", true, ["Ana"]]]);
  });

  it("puts the departures that change the status first when a plan mixes both", () => {
    const ana = { id: 1, login: "ana", name: "Ana", credit: 2 };
    const ben = { id: 2, login: "ben", name: "Ben", credit: 3 };
    const outlook = { countsUntil: "2027-01-01", alsoMaintains: [] };
    expect(
      groupDepartures([
        { ...outlook, person: ana, statusIfAway: "met", critical: false },
        { ...outlook, person: ben, statusIfAway: "at-risk", critical: true },
      ]).map((g) => g.people.map((p) => p.name)),
    ).toEqual([["Ben"], ["Ana"]]);
    expect(groupDepartures([])).toEqual([]);
  });
});
