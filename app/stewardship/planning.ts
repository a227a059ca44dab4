// Maintainer planning: who could be a stage's next maintainer, and what happens if someone steps away.
// Pure: it reads a bus-factor report's people and says what follows from them.
import { goalStatus, type GoalStatus } from "./metrics";

export interface PlanPerson {
  id: number;
  login: string | null;
  name: string;
  /** Weighted credit in the window, compared with the rule's `minCredit`. */
  credit: number;
}

export interface PlanStageInput {
  id: string;
  name: string;
  goal: number;
  maintainers: Array<PlanPerson & { countsUntil: string }>;
  /** Everyone else with credited work in the window, most credit first. */
  others: PlanPerson[];
}

export interface MaintainerOutlook {
  person: PlanPerson;
  countsUntil: string;
  /** The stage's status if this person stepped away today. */
  statusIfAway: GoalStatus;
  /** Whether their stepping away would lower the stage's status. */
  critical: boolean;
  /** The other stages they maintain. */
  alsoMaintains: string[];
}

export interface Candidate {
  person: PlanPerson;
  /** Credit still missing to meet the rule (more contributions, or reviews at their weight). */
  needs: number;
  /** Stages they already maintain: someone to cross-train rather than bring in. */
  maintains: string[];
}

export interface StagePlan {
  id: string;
  name: string;
  goal: number;
  status: GoalStatus;
  /** Maintainers still wanted to reach the goal (0 when it is met). */
  shortBy: number;
  /** Maintainers with their outlook, the soonest to lapse first. */
  maintainers: MaintainerOutlook[];
  /** The likeliest next maintainers: the closest to the rule first. */
  candidates: Candidate[];
  /** In words, for the top of the stage's plan. */
  summary: string;
}

export interface SharedMaintainer {
  person: PlanPerson;
  /** Every stage they maintain. */
  stages: string[];
  /** The stages whose status would drop if they stepped away. */
  wouldWeaken: string[];
}

const statusRank: Record<GoalStatus, number> = { met: 2, "at-risk": 1, unmet: 0 };

function roundCredit(value: number): number {
  return Math.round(value * 100) / 100;
}

function describePlan(status: GoalStatus, goal: number, maintainers: number, candidates: number): string {
  const need = goal - maintainers;
  const from =
    candidates === 0
      ? "nobody else has stage work in the window yet"
      : `${candidates} contributor${candidates === 1 ? " is" : "s are"} on the way`;
  // What one departure would do is said by the plan's departures, with names; the summary says the rest.
  if (status === "met") {
    const spare = maintainers - goal;
    return `Goal met with ${maintainers} of ${goal}${spare > 0 ? `, ${spare} to spare` : ", none to spare"}; ${from}.`;
  }
  return `${need} more maintainer${need === 1 ? "" : "s"} wanted to reach ${goal}; ${from}.`;
}

/**
 * Each stage's plan: every maintainer with the date they lapse without new work and the status if they
 * stepped away, and the contributors closest to becoming maintainers under the rule of `minCredit`.
 */
export function planStages(
  stages: PlanStageInput[],
  { minCredit, candidates = 5 }: { minCredit: number; candidates?: number },
): StagePlan[] {
  const maintainedBy = new Map<number, string[]>();
  for (const stage of stages) {
    for (const m of stage.maintainers) maintainedBy.set(m.id, [...(maintainedBy.get(m.id) ?? []), stage.id]);
  }
  return stages.map((stage) => {
    const count = stage.maintainers.length;
    const status = goalStatus(count, stage.goal);
    const statusIfAway = goalStatus(count - 1, stage.goal);
    const maintainers = stage.maintainers
      .map(({ countsUntil, ...person }) => ({
        person,
        countsUntil,
        statusIfAway,
        critical: statusRank[statusIfAway] < statusRank[status],
        alsoMaintains: (maintainedBy.get(person.id) ?? []).filter((id) => id !== stage.id),
      }))
      .sort((a, b) => (a.countsUntil < b.countsUntil ? -1 : a.countsUntil > b.countsUntil ? 1 : 0));
    const next = stage.others.slice(0, candidates).map((person) => ({
      person,
      needs: roundCredit(Math.max(0, minCredit - person.credit)),
      maintains: maintainedBy.get(person.id) ?? [],
    }));
    return {
      id: stage.id,
      name: stage.name,
      goal: stage.goal,
      status,
      shortBy: Math.max(0, stage.goal - count),
      maintainers,
      candidates: next,
      summary: describePlan(status, stage.goal, count, stage.others.length),
    };
  });
}

/**
 * People who maintain more than one stage, and the stages their stepping away would weaken: the
 * cross-stage single points of failure. Most stages first.
 */
export function sharedMaintainers(plans: StagePlan[]): SharedMaintainer[] {
  const byPerson = new Map<number, SharedMaintainer>();
  for (const plan of plans) {
    for (const m of plan.maintainers) {
      const entry = byPerson.get(m.person.id) ?? { person: m.person, stages: [], wouldWeaken: [] };
      entry.stages.push(plan.id);
      if (m.critical) entry.wouldWeaken.push(plan.id);
      byPerson.set(m.person.id, entry);
    }
  }
  return [...byPerson.values()]
    .filter((entry) => entry.stages.length > 1)
    .sort(
      (a, b) =>
        b.wouldWeaken.length - a.wouldWeaken.length ||
        b.stages.length - a.stages.length ||
        a.person.name.localeCompare(b.person.name),
    );
}

/** Maintainers grouped by what their stepping away would do: said once per outcome, not once per person. */
export interface DepartureGroup {
  statusIfAway: GoalStatus;
  /** Whether it lowers the stage's status (the departures a plan is about). */
  critical: boolean;
  people: PlanPerson[];
}

/** A stage plan's maintainers grouped by the status their departure leaves; the ones that change it first. */
export function groupDepartures(maintainers: MaintainerOutlook[]): DepartureGroup[] {
  const groups: DepartureGroup[] = [];
  for (const m of maintainers) {
    const group = groups.find((g) => g.statusIfAway === m.statusIfAway && g.critical === m.critical);
    if (group) group.people.push(m.person);
    else groups.push({ statusIfAway: m.statusIfAway, critical: m.critical, people: [m.person] });
  }
  return groups.sort((a, b) => Number(b.critical) - Number(a.critical));
}
