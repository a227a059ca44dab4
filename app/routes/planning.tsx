import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AndMore } from "../components/and-more";
import { BarList, personBar } from "../components/bar-list";
import { PersonLink } from "../components/person-link";
import { StatusBadge } from "../components/status-badge";
import { CoverageNote } from "../components/coverage-note";
import { useWindowLink, WindowForm } from "../components/window-form";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getSignedIn, getSignInConfig, isSteward } from "../auth.server";
import { getConfig } from "../config.server";
import { LearnerReviewers } from "../components/learner-reviewers";
import { listLearnerReviewers } from "../knowledge-report.server";
import { getReadDb } from "../db.server";
import { getCoverage } from "../models/coverage.server";
import { listMentoringPlans, type MentoringPlan } from "../models/mentoring-plan.server";
import { idlePlanNote, planStatuses } from "../stewardship/mentoring";
import { coverageView } from "../stewardship/coverage";
import { capList, pageCaps } from "../stewardship/capped-list";
import { dayNumber } from "../stewardship/metrics";
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
  const session = getSignInConfig() ? await getSignedIn(request, db) : null;
  const writer = session && (await isSteward(db, session.login)) ? { csrf: session.csrfToken } : null;
  const mentoring = (await listMentoringPlans(db)).map((plan) => ({
    ...plan,
    idle: idlePlanNote(plan, params.asOf),
  }));
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
    repository: config.config.project.repository,
    coverage: coverageView(coverage, notes),
    stageNames: Object.fromEntries(config.config.stages.map((s) => [s.id, s.name])),
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
  const { params, coverage, stageNames, plans, shared, mentoring, writer, reviewers, repository } =
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

type PlanView = Omit<MentoringPlan, "status"> & { status: string; idle: string | null };

/** A stage's mentoring plans, and for stewards (who get `csrf`) the forms that add one or change its status. */
function MentoringPlans({ stageId, plans, csrf }: { stageId: string; plans: PlanView[]; csrf: string | null }) {
  return (
    <div id={`mentoring-${stageId}`} data-mentoring={stageId}>
      <h3>Mentoring toward the rule</h3>
      {plans.length === 0 ? (
        <p className="muted">No mentoring plan for this stage yet.</p>
      ) : (
        <ul className="plan-list">
          {plans.map((plan) => (
            <li key={plan.id} data-plan={plan.id}>
              <PersonLink person={plan.mentor} /> mentors <PersonLink person={plan.mentee} />: {plan.aim} ({plan.status}
              ){plan.idle ? <strong className="warning"> — {plan.idle}</strong> : null}
              {plan.notes ? <span className="muted"> — {plan.notes}</span> : null}
              {csrf ? (
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
          </label>{" "}
          <label>
            Mentee (GitHub login) <input name="mentee" required />
          </label>{" "}
          <label>
            Aim <input name="aim" required placeholder="second maintainer by 2027-03-01" />
          </label>{" "}
          <label>
            Notes <input name="notes" />
          </label>{" "}
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
