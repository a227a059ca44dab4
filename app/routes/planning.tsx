import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AndMore } from "../components/and-more";
import { BarList, personBar } from "../components/bar-list";
import { PersonLink } from "../components/person-link";
import { StatusBadge } from "../components/status-badge";
import { CoverageNote } from "../components/coverage-note";
import { useWindowLink, WindowForm } from "../components/window-form";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getPageWriter } from "../auth.server";
import { getConfig } from "../config.server";
import { LearnerReviewers } from "../components/learner-reviewers";
import { listLearnerReviewers } from "../knowledge-report.server";
import { getReadDb } from "../db.server";
import { getCoverage } from "../models/coverage.server";
import { PlanTasks } from "../components/plan-tasks";
import { TrendChart } from "../components/trend-chart";
import { listMenteeCredits, listMentoringPlans, type MentoringPlan } from "../models/mentoring-plan.server";
import { listStageGoals } from "../models/stage-goal.server";
import { listStarterTasks } from "../models/starter-task.server";
import { CREDIT_TREND_MONTHS, creditTrend, describeCredit, idlePlanNote, planStatuses } from "../stewardship/mentoring";
import { coverageView, windowKnown } from "../stewardship/coverage";
import { capList, pageCaps } from "../stewardship/capped-list";
import { goalProgress } from "../stewardship/goals";
import { dayNumber, todayUtc, trendPoints, windowEndingOn } from "../stewardship/metrics";
import { groupDepartures, planStages, sharedMaintainers, type DepartureGroup } from "../stewardship/planning";
import { requireWindowParams } from "../request-params.server";

export const meta: MetaFunction = () => [{ title: "Maintainer planning · Steward" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const { params, notes } = requireWindowParams(request, config.config, coverage);
  const report = await getCachedBusFactorReport({ config, ...params });
  const plans = planStages(
    report.stages.map((stage) => ({
      id: stage.id,
      name: stage.name,
      goal: stage.goal,
      maintainers: stage.activeMaintainers,
      others: stage.otherContributors,
    })),
    { minCredit: params.min },
  );
  const writer = await getPageWriter(request, db);
  const stored = await listMentoringPlans(db);
  // Each mentee's credit in the window at the end of the last months, drawn against the rule's minimum.
  const firstPoint = trendPoints(params.asOf, CREDIT_TREND_MONTHS)[0]?.asOf ?? params.asOf;
  const [credits, goals, openTasks] = await Promise.all([
    listMenteeCredits(db, {
      pairs: stored.map((plan) => ({ stageId: plan.stageId, personId: plan.mentee.id })),
      span: {
        from: windowEndingOn(firstPoint, params.windowDays).from,
        to: windowEndingOn(params.asOf, params.windowDays).to,
      },
    }),
    listStageGoals(db, { stages: config.config.stages }),
    // The tasks a steward's forms offer to pick: the open ones, the stage's and those of no stage yet.
    writer ? listStarterTasks(db, { state: "open", limit: 500 }) : Promise.resolve([]),
  ]);
  const known = windowKnown(params.windowDays, coverage, todayUtc());
  const mentoring = stored.map((plan) => {
    const trend = creditTrend(credits.get(`${plan.stageId} ${plan.mentee.id}`) ?? [], params);
    const credit = trend.at(-1)?.credit ?? 0;
    return {
      ...plan,
      idle: idlePlanNote(plan, params.asOf),
      creditText: describeCredit(credit, params.min),
      trend: trend.map((p) => ({ month: p.month, value: known(p.asOf) ? p.credit : null })),
    };
  });
  const person = ({ id, login, name, credit }: { id: number; login: string | null; name: string; credit: number }) => ({
    id,
    login,
    name,
    credit,
  });
  const reviewers = await listLearnerReviewers(db, { config, query: params, limit: pageCaps.openPullRequests });
  return {
    params,
    writer,
    mentoring,
    reviewers,
    coverage: coverageView(coverage, notes),
    stageNames: Object.fromEntries(config.config.stages.map((s) => [s.id, s.name])),
    repository: config.config.project.repository,
    goals: Object.fromEntries(
      goals.map((goal) => {
        const count = report.stages.find((s) => s.id === goal.stageId)?.activeMaintainers.length ?? 0;
        return [goal.stageId, { ...goal, ...goalProgress(goal, count, params.asOf) }];
      }),
    ),
    taskChoices: Object.fromEntries(
      config.config.stages.map((stage) => [
        stage.id,
        openTasks
          .filter((t) => t.stageId === stage.id || t.stageId === null)
          .map((t) => ({ key: t.key, title: t.title, claimed: t.claimedBy !== null })),
      ]),
    ),
    plans: plans.map((plan) => {
      // The soonest to lapse first: the ones a plan is about; the rest are on the stage page.
      const maintainers = capList(plan.maintainers, pageCaps.maintainers);
      return {
        ...plan,
        maintainers: maintainers.items.map((m) => ({
          ...m,
          person: person(m.person),
          daysLeft: dayNumber(m.countsUntil) - dayNumber(params.asOf) + 1,
        })),
        moreMaintainers: maintainers.more,
        departures: groupDepartures(maintainers.items).map((group) => ({
          ...group,
          people: group.people.map(person),
        })),
        candidates: plan.candidates.map((c) => ({ ...c, person: person(c.person) })),
      };
    }),
    shared: capList(
      sharedMaintainers(plans).map((s) => ({ ...s, person: person(s.person) })),
      pageCaps.maintainers,
    ),
  };
}

export default function PlanningPage() {
  const { params, coverage, stageNames, plans, shared, mentoring, writer, goals, taskChoices, reviewers, repository } =
    useLoaderData<typeof loader>();
  const windowLink = useWindowLink();
  const names = (ids: string[]) => ids.map((id) => stageNames[id] ?? id).join(", ");
  return (
    <main className="page">
      <header className="page-header">
        <h1>Maintainer planning</h1>
        <p className="lede">
          Who could become each stage&apos;s next maintainer, and what happens if someone steps away, as of{" "}
          <span className="nowrap">{params.asOf}</span> under the rule of a{" "}
          <Link to="/how-steward-counts#credit">credit</Link> of at least {params.min} in{" "}
          <Link to="/how-steward-counts#window">{params.windowDays} days</Link>.
        </p>
        <CoverageNote coverage={coverage} />
        <WindowForm {...params} />
      </header>

      <section aria-labelledby="shared">
        <h2 id="shared">People who hold up more than one stage</h2>
        {shared.items.length === 0 ? (
          <p className="muted">
            Nobody maintains more than one stage: one person stepping away touches one stage at most.
          </p>
        ) : (
          <ul className="plan-list">
            {shared.items.map((s) => (
              <li key={s.person.id} data-person={s.person.id}>
                <PersonLink person={s.person} /> maintains {names(s.stages)}
                {s.wouldWeaken.length > 0 ? (
                  <strong className="warning"> — stepping away would weaken {names(s.wouldWeaken)}</strong>
                ) : (
                  <span className="muted"> — each of those stages would still meet its goal without them</span>
                )}
              </li>
            ))}
          </ul>
        )}
        <AndMore count={shared.more} noun="people" />
      </section>

      {plans.map((plan) => (
        <section key={plan.id} aria-labelledby={`plan-${plan.id}`} className="plan" data-stage={plan.id}>
          <h2 id={`plan-${plan.id}`}>
            <Link to={windowLink(`/stages/${plan.id}`)}>{plan.name}</Link> <StatusBadge status={plan.status} />
          </h2>
          <p className="plan-summary">{plan.summary}</p>
          <StageGoalLine stageId={plan.id} goal={goals[plan.id]} csrf={writer?.csrf ?? null} />

          <h3>If nobody does more work: days each maintainer still counts</h3>
          {plan.maintainers.length === 0 ? (
            <p className="muted">No active maintainer.</p>
          ) : (
            <>
              <BarList
                items={plan.maintainers.map((m) =>
                  personBar(m.person, m.daysLeft, `${m.person.name} · until ${m.countsUntil}`),
                )}
                max={params.windowDays}
                unit="days left"
              />
              <ul className="plan-list departures">
                {plan.departures.map((group) => (
                  <li key={`${group.statusIfAway}-${group.critical}`} data-critical={group.critical}>
                    <Departure group={group} status={plan.status} />
                  </li>
                ))}
              </ul>
              {plan.maintainers.some((m) => m.alsoMaintains.length > 0) ? (
                <ul className="plan-list">
                  {plan.maintainers
                    .filter((m) => m.alsoMaintains.length > 0)
                    .map((m) => (
                      <li key={m.person.id} data-maintainer={m.person.id}>
                        <PersonLink person={m.person} /> also maintains {names(m.alsoMaintains)}
                      </li>
                    ))}
                </ul>
              ) : null}
              <AndMore count={plan.moreMaintainers} to={windowLink(`/stages/${plan.id}`)} noun="maintainers" />
            </>
          )}

          <h3>Next maintainers: credit so far against the {params.min} needed</h3>
          {plan.candidates.length === 0 ? (
            <p className="muted">Nobody else has worked on this stage in the window: starter tasks are the way in.</p>
          ) : (
            <>
              <BarList
                items={plan.candidates.map((c) => personBar(c.person, c.person.credit))}
                max={params.min}
                unit="credit"
              />
              <ul className="plan-list">
                {plan.candidates.map((c) => (
                  <li key={c.person.id} data-candidate={c.person.id}>
                    <PersonLink person={c.person} /> needs {c.needs} more
                    <OtherStages lead="already" names={names(c.maintains)} />
                  </li>
                ))}
              </ul>
            </>
          )}

          <MentoringPlans
            stageId={plan.id}
            plans={mentoring.filter((m) => m.stageId === plan.id)}
            csrf={writer?.csrf ?? null}
            tasks={taskChoices[plan.id] ?? []}
            repository={repository}
            min={params.min}
            windowDays={params.windowDays}
          />
        </section>
      ))}
      <section aria-labelledby="reviewers">
        <h2 id="reviewers">Open pull requests: a learner reviewer</h2>
        <p className="muted">
          Where a stage has fewer than two maintainers, a{" "}
          <Link to="/how-steward-counts#knowledge">second reviewer on the way</Link> learns the stage by reviewing.
        </p>
        <LearnerReviewers reviewers={reviewers} repository={repository} />
      </section>
      <p className="muted">
        Every change to a plan is kept in the <Link to="/audit">audit trail</Link>.
      </p>
    </main>
  );
}

type PlanView = Omit<MentoringPlan, "status"> & {
  status: string;
  idle: string | null;
  creditText: string;
  trend: Array<{ month: string; value: number | null }>;
};

type TaskChoice = { key: string; title: string; claimed: boolean };

interface GoalView {
  stageId: string;
  target: number;
  dueOn: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
  text: string;
  overdue: boolean;
}

/** A stage's dated goal ("2 by 2027-03-01, 1 now"), and for stewards the form that sets it. */
function StageGoalLine({ stageId, goal, csrf }: { stageId: string; goal: GoalView | undefined; csrf: string | null }) {
  if (!goal) return null;
  return (
    <div id={`goal-${stageId}`} className="stage-goal" data-goal={stageId}>
      <p>
        <strong>Goal:</strong> {goal.text}
        {goal.overdue ? <strong className="warning overdue"> — overdue</strong> : null}
        {goal.updatedBy ? (
          <span className="muted">
            {" "}
            (set by @{goal.updatedBy} on {goal.updatedAt?.slice(0, 10)})
          </span>
        ) : (
          <span className="muted"> (the configuration&apos;s goal)</span>
        )}
      </p>
      {csrf ? (
        <Form method="post" action="/goals" className="plan-form goal-form">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="stage" value={stageId} />
          <label>
            Maintainers wanted{" "}
            <input name="target" type="number" min={1} max={100} defaultValue={goal.target} required />
          </label>
          <label>
            By <input name="by" type="date" defaultValue={goal.dueOn ?? ""} required />
          </label>
          <button type="submit">Set goal</button>
        </Form>
      ) : null}
    </div>
  );
}

/** The starter tasks a steward may pick for a mentee: the stage's open ones, and those already picked. */
function TaskPicker({ id, tasks, picked }: { id: string; tasks: TaskChoice[]; picked: string[] }) {
  const known = new Set(tasks.map((t) => t.key));
  const choices = [
    ...tasks,
    ...picked.filter((key) => !known.has(key)).map((key) => ({ key, title: key, claimed: false })),
  ];
  if (choices.length === 0) return <p className="muted">No open starter task to pick in this stage.</p>;
  // A label of its own (not wrapping the list), so the list's name is not followed by every option's text.
  return (
    <div className="task-picker">
      <label htmlFor={id}>Starter tasks for the mentee (pick any)</label>
      <select id={id} name="tasks" multiple defaultValue={picked} size={Math.min(5, choices.length)}>
        {choices.map((task) => (
          <option key={task.key} value={task.key}>
            {task.title}
            {task.claimed ? " (claimed)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A stage's mentoring plans: each with the mentee's credit against the rule and its trend, the starter
 * tasks picked for them, and for stewards (who get `csrf`) the forms that change a plan or add one.
 */
function MentoringPlans({
  stageId,
  plans,
  csrf,
  tasks,
  repository,
  min,
  windowDays,
}: {
  stageId: string;
  plans: PlanView[];
  csrf: string | null;
  tasks: TaskChoice[];
  repository: string;
  min: number;
  windowDays: number;
}) {
  return (
    <div id={`mentoring-${stageId}`} data-mentoring={stageId}>
      <h3>Mentoring toward the rule</h3>
      {plans.length === 0 ? (
        <p className="muted">No mentoring plan for this stage yet.</p>
      ) : (
        <ul className="mentoring-plans">
          {plans.map((plan) => (
            <li key={plan.id} id={`plan-${plan.id}`} data-plan={plan.id} className="mentoring-plan">
              <p>
                <PersonLink person={plan.mentor} /> mentors <PersonLink person={plan.mentee} />: {plan.aim} (
                {plan.status}){plan.idle ? <strong className="warning"> — {plan.idle}</strong> : null}
              </p>
              {plan.notes ? <p className="muted">{plan.notes}</p> : null}
              <p data-credit>
                {plan.mentee.name}&apos;s credit in the last {windowDays} days: {plan.creditText}.
              </p>
              <TrendChart
                compact
                points={plan.trend}
                goal={min}
                goalLabel="needed"
                yLabel="Credit"
                lineLabel={`credit in the ${windowDays} days to each month's end`}
                title={`${plan.mentee.name}: credit in the window at each month's end, last ${plan.trend.length} months`}
              />
              <PlanTasks tasks={plan.tasks} repository={repository} />
              {csrf ? (
                <>
                  <Form method="post" action="/plans" className="inline-form">
                    <input type="hidden" name="csrf" value={csrf} />
                    <input type="hidden" name="intent" value="status" />
                    <input type="hidden" name="id" value={plan.id} />
                    <label>
                      Status{" "}
                      <select name="status" defaultValue={plan.status}>
                        {planStatuses.map((status) => (
                          <option key={status}>{status}</option>
                        ))}
                      </select>
                    </label>{" "}
                    <button type="submit">Change</button>
                  </Form>
                  <details className="plan-edit">
                    <summary>Edit aim, notes and tasks</summary>
                    <Form method="post" action="/plans" className="plan-form">
                      <input type="hidden" name="csrf" value={csrf} />
                      <input type="hidden" name="intent" value="edit" />
                      <input type="hidden" name="id" value={plan.id} />
                      <label>
                        Aim <input name="aim" required defaultValue={plan.aim} />
                      </label>
                      <label>
                        Notes <input name="notes" defaultValue={plan.notes} />
                      </label>
                      <TaskPicker id={`tasks-plan-${plan.id}`} tasks={tasks} picked={plan.tasks.map((t) => t.key)} />
                      <button type="submit">Save plan</button>
                    </Form>
                  </details>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {csrf ? (
        <Form method="post" action="/plans" className="plan-form">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="add" />
          <input type="hidden" name="stage" value={stageId} />
          <label>
            Mentor (GitHub login) <input name="mentor" required />
          </label>
          <label>
            Mentee (GitHub login) <input name="mentee" required />
          </label>
          <label>
            Aim <input name="aim" required placeholder="second maintainer by 2027-03-01" />
          </label>
          <label>
            Notes <input name="notes" />
          </label>
          <TaskPicker id={`tasks-new-${stageId}`} tasks={tasks} picked={[]} />
          <button type="submit">Add a plan</button>
        </Form>
      ) : null}
    </div>
  );
}

const statusWords: Record<string, string> = { met: "meet its goal", "at-risk": "be at risk", unmet: "miss its goal" };

/**
 * What one group of departures does, said once: "Any one of A, B or C could step away and the goal would
 * still be met", or "If A or B stepped away, the stage would be at risk".
 */
function Departure({ group, status }: { group: DepartureGroup; status: string }) {
  const people = (
    <>
      {group.people.map((p, i) => (
        <span key={p.id}>
          {i > 0 ? (i === group.people.length - 1 ? " or " : ", ") : ""}
          <PersonLink person={p} />
        </span>
      ))}
    </>
  );
  if (!group.critical) {
    const still = status === "met" ? "the goal would still be met" : "the status would stay the same";
    return group.people.length === 1 ? (
      <>
        {people} could step away and {still}.
      </>
    ) : (
      <>
        Any one of {people} could step away and {still}.
      </>
    );
  }
  return (
    <strong className="warning">
      If {group.people.length === 1 ? "" : "any one of "}
      {people} stepped away, the stage would {statusWords[group.statusIfAway] ?? group.statusIfAway}.
    </strong>
  );
}

/** " (also maintains Backend)": the other stages a person already carries, if any. */
function OtherStages({ lead, names }: { lead: "also" | "already"; names: string }) {
  if (!names) return null;
  return (
    <span className="muted">
      {" "}
      ({lead} maintains {names})
    </span>
  );
}
