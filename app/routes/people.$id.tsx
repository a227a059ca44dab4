import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { getPageWriter } from "../auth.server";
import { RecentContributions } from "../components/contribution-list";
import { CoverageNote } from "../components/coverage-note";
import { isLoginOnly, PersonLink } from "../components/person-link";
import { PlanTasks } from "../components/plan-tasks";
import { TrendChart } from "../components/trend-chart";
import { useWindowLink, WindowForm } from "../components/window-form";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { notFound } from "../http.server";
import { listActiveMaintainers } from "../models/bus-factor.server";
import { listContributions } from "../models/contribution-list.server";
import { listPersonAliases } from "../models/identity.server";
import { listIdentityCorrections, type IdentityCorrectionView } from "../models/identity-correction.server";
import { getCoverage } from "../models/coverage.server";
import { listPersonStageMonths, requirePerson } from "../models/person.server";
import { listMentoringPlans } from "../models/mentoring-plan.server";
import { idlePlanNote } from "../stewardship/mentoring";
import { requireWindowParams } from "../request-params.server";
import { coverageView, knownValue } from "../stewardship/coverage";
import { addDays, todayUtc, trendPoints } from "../stewardship/metrics";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.person.name} · Steward` : "Person · Steward" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound(`"${params.id}" is not a person id.`);
  const config = getConfig();
  const db = await getReadDb();
  const person = await requirePerson(db, id);
  const coverage = await getCoverage(db);
  const window = requireWindowParams(request, config.config, coverage);
  const { asOf } = window.params;
  const today = todayUtc();
  const [months, maintainers, recent, aliases, mentoring, corrections] = await Promise.all([
    listPersonStageMonths(db, id),
    listActiveMaintainers(db, window.params),
    listContributions(db, { personId: id, to: `${addDays(asOf, 1)}T00:00:00Z`, limit: 20 }),
    listPersonAliases(db, id),
    listMentoringPlans(db, { personId: id }),
    listIdentityCorrections(db, { personId: id }),
  ]);
  const writer = await getPageWriter(request, db);
  const points = trendPoints(asOf, 24);
  const stages = config.config.stages
    .map((stage) => ({
      id: stage.id,
      name: stage.name,
      maintains: (maintainers.get(stage.id) ?? []).some((p) => p.id === id),
      total: months.filter((m) => m.stageId === stage.id).reduce((sum, m) => sum + m.contributions, 0),
      // A month's count is known when the data covers the whole month up to the point (see isKnownPeriod).
      monthly: points.map((p) => ({
        month: p.month,
        value: knownValue(
          months.find((m) => m.stageId === stage.id && m.month === p.month)?.contributions ?? 0,
          { first: `${p.month}-01`, last: p.asOf },
          coverage,
          today,
        ),
      })),
    }))
    .filter((stage) => stage.total > 0);
  return {
    person,
    aliases,
    writer,
    corrections,
    mentoring: mentoring.map((plan) => ({
      ...plan,
      stageName: config.config.stages.find((s) => s.id === plan.stageId)?.name ?? plan.stageId,
      idle: idlePlanNote(plan, asOf),
    })),
    params: window.params,
    coverage: coverageView(coverage, window.notes),
    stages,
    recent,
    repository: config.config.project.repository,
    stageNames: config.config.stages.map((s) => ({ id: s.id, name: s.name })),
  };
}

export default function PersonPage() {
  const { person, aliases, params, coverage, stages, recent, repository, mentoring, writer, stageNames, corrections } =
    useLoaderData<typeof loader>();
  const maintained = stages.filter((s) => s.maintains);
  const windowLink = useWindowLink();
  return (
    <main className="page">
      <header className="page-header">
        <p className="breadcrumb">
          <Link to={windowLink("/")}>Dashboard</Link> / People
        </p>
        <h1>
          {isLoginOnly(person) ? `@${person.login ?? ""}` : person.name}
          {person.login && !isLoginOnly(person) ? <span className="login"> @{person.login}</span> : null}
          {person.isBot ? <span className="label">bot</span> : null}
        </h1>
        <p className="lede">
          {person.contributions} contribution{person.contributions === 1 ? "" : "s"}
          {person.firstContributionAt ? `, the first on ${person.firstContributionAt.slice(0, 10)}` : ""}
          {person.lastContributionAt ? `, the latest on ${person.lastContributionAt.slice(0, 10)}` : ""}.
        </p>
        {aliases.names.length + aliases.logins.length > 1 ? (
          <p className="muted">
            One person under the names and logins{" "}
            {[...aliases.names, ...aliases.logins.map((login) => `@${login}`)].join(", ")}.
          </p>
        ) : null}
        <p>
          {maintained.length > 0
            ? `Active maintainer of: ${maintained.map((s) => s.name).join(", ")}, as of ${params.asOf}.`
            : `Not an active maintainer of any stage as of ${params.asOf}.`}
        </p>
        <CoverageNote coverage={coverage} />
        <p>
          <Link to={windowLink(`/contributions?person=${person.id}`)}>All of {person.name}&apos;s contributions →</Link>
        </p>
        <WindowForm {...params} />
      </header>
      {stages.length === 0 ? <p className="muted">No stage work yet.</p> : null}
      {stages.map((stage) => (
        <section key={stage.id} aria-label={`${stage.name} work`}>
          <h2>
            <Link to={windowLink(`/stages/${stage.id}`)}>{stage.name}</Link>{" "}
            <span className="muted">
              {stage.total} credited contribution{stage.total === 1 ? "" : "s"}
              {stage.maintains ? " · active maintainer" : ""}
            </span>
          </h2>
          <TrendChart
            points={stage.monthly}
            yLabel="Credited contributions"
            title={`${person.name}: ${stage.name} contributions per month, 24 months to ${params.asOf}`}
          />
        </section>
      ))}
      {mentoring.length > 0 ? (
        <section aria-labelledby="mentoring" data-mentoring-plans>
          <h2 id="mentoring">Mentoring plans</h2>
          <ul className="plan-list">
            {mentoring.map((plan) => (
              <li key={plan.id} data-plan={plan.id}>
                <PersonLink person={plan.mentor} /> mentors <PersonLink person={plan.mentee} /> in{" "}
                <Link to={windowLink("/planning")}>{plan.stageName}</Link>: {plan.aim} ({plan.status})
                {plan.idle ? <strong className="warning"> — {plan.idle}</strong> : null}
                {plan.notes ? <span className="muted"> — {plan.notes}</span> : null}
                <PlanTasks tasks={plan.tasks} repository={repository} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {writer || corrections.length > 0 ? (
        <IdentityCorrections
          personId={person.id}
          aliases={[...aliases.logins.map((login) => `@${login}`), ...aliases.names]}
          corrections={corrections}
          csrf={writer?.csrf ?? null}
        />
      ) : null}
      <RecentContributions
        contributions={recent}
        repository={repository}
        corrector={writer ? { csrf: writer.csrf, stages: stageNames } : null}
      />
    </main>
  );
}

/**
 * The stewards' corrections about this person, and for stewards (who get `csrf`) the forms that merge
 * them with another person, split some of their names and logins off, or undo a correction.
 */
function IdentityCorrections({
  personId,
  aliases,
  corrections,
  csrf,
}: {
  personId: number;
  aliases: string[];
  corrections: IdentityCorrectionView[];
  csrf: string | null;
}) {
  const hidden = (intent: string) =>
    csrf ? (
      <>
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="person" value={personId} />
        <input type="hidden" name="intent" value={intent} />
      </>
    ) : null;
  return (
    <section aria-labelledby="corrections" data-identity-corrections>
      <h2 id="corrections">Who this person is</h2>
      {corrections.length === 0 ? (
        <p className="muted">No steward has merged or split this person.</p>
      ) : (
        <ul className="plan-list">
          {corrections.map((correction) => (
            <li key={correction.id} data-correction={correction.id}>
              {correction.kind === "merge"
                ? `Merged ${correction.identities.join(", ")} into one person`
                : `Split ${correction.splitOff.join(", ")} off ${correction.identities.join(", ")}`}
              : {correction.reason}{" "}
              <span className="muted">
                (@{correction.createdBy}, {correction.createdAt.slice(0, 10)})
              </span>
              {csrf ? (
                <Form method="post" action="/people-corrections" className="correction-undo">
                  {hidden("undo")}
                  <input type="hidden" name="correction" value={correction.id} />
                  <button type="submit">Undo</button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {csrf ? (
        // Keyed by the corrections listed, so the forms are emptied once a write has gone through.
        <div className="correction-forms" key={corrections.map((c) => c.id).join(",")}>
          <Form method="post" action="/people-corrections" className="correction-form" data-merge-form>
            <h3>Merge with another person</h3>
            {hidden("merge")}
            <label>
              The other person (GitHub login or person id) <input name="other" required />
            </label>
            <label>
              Why they are one person <input name="reason" required />
            </label>
            <button type="submit">Merge</button>
          </Form>
          {aliases.length > 1 ? (
            <Form method="post" action="/people-corrections" className="correction-form" data-split-form>
              <h3>Split</h3>
              {hidden("split")}
              <fieldset>
                <legend>The names and logins that are someone else</legend>
                {aliases.map((alias) => (
                  <label key={alias}>
                    <input type="checkbox" name="identity" value={alias} /> {alias}
                  </label>
                ))}
              </fieldset>
              <label>
                Why they are someone else <input name="reason" required />
              </label>
              <button type="submit">Split</button>
            </Form>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
