import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RecentContributions } from "../components/contribution-list";
import { TrendChart } from "../components/trend-chart";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { notFound } from "../http.server";
import { listActiveMaintainers } from "../models/bus-factor.server";
import { listContributions } from "../models/contribution-list.server";
import { listPersonStageMonths, requirePerson } from "../models/person.server";
import { todayUtc, trendPoints } from "../stewardship/metrics";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.person.name} · Steward` : "Person · Steward" },
];

export async function loader({ params }: LoaderFunctionArgs) {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound(`"${params.id}" is not a person id.`);
  const config = getConfig();
  const db = await getReadDb();
  const person = await requirePerson(db, id);
  const today = todayUtc();
  const { windowDays, minCredit } = config.maintainerRule;
  const [months, maintainers, recent] = await Promise.all([
    listPersonStageMonths(db, id),
    listActiveMaintainers(db, { asOf: today, windowDays, min: minCredit }),
    listContributions(db, { personId: id, limit: 20 }),
  ]);
  const points = trendPoints(today, 24);
  const stages = config.config.stages
    .map((stage) => ({
      id: stage.id,
      name: stage.name,
      maintains: (maintainers.get(stage.id) ?? []).some((p) => p.id === id),
      total: months.filter((m) => m.stageId === stage.id).reduce((sum, m) => sum + m.contributions, 0),
      monthly: points.map((p) => ({
        month: p.month,
        value: months.find((m) => m.stageId === stage.id && m.month === p.month)?.contributions ?? 0,
      })),
    }))
    .filter((stage) => stage.total > 0);
  return { person, stages, recent, repository: config.config.project.repository };
}

export default function PersonPage() {
  const { person, stages, recent, repository } = useLoaderData<typeof loader>();
  const maintained = stages.filter((s) => s.maintains);
  return (
    <main className="page">
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/">Dashboard</Link> / People
        </p>
        <h1>
          {person.name}
          {person.login ? <span className="login"> @{person.login}</span> : null}
          {person.isBot ? <span className="label">bot</span> : null}
        </h1>
        <p className="lede">
          {person.contributions} contribution{person.contributions === 1 ? "" : "s"}
          {person.firstContributionAt ? `, the first on ${person.firstContributionAt.slice(0, 10)}` : ""}
          {person.lastContributionAt ? `, the latest on ${person.lastContributionAt.slice(0, 10)}` : ""}.
        </p>
        <p>
          {maintained.length > 0
            ? `Active maintainer of: ${maintained.map((s) => s.name).join(", ")}.`
            : "Not an active maintainer of any stage today."}
        </p>
        <p>
          <Link to={`/contributions?person=${person.id}`}>All of {person.name}&apos;s contributions →</Link>
        </p>
      </header>
      {stages.length === 0 ? <p className="muted">No stage work yet.</p> : null}
      {stages.map((stage) => (
        <section key={stage.id} aria-label={`${stage.name} work`}>
          <h2>
            <Link to={`/stages/${stage.id}`}>{stage.name}</Link>{" "}
            <span className="muted">
              {stage.total} credited contribution{stage.total === 1 ? "" : "s"}
              {stage.maintains ? " · active maintainer" : ""}
            </span>
          </h2>
          <TrendChart points={stage.monthly} title={`${person.name}: ${stage.name} contributions per month`} />
        </section>
      ))}
      <RecentContributions contributions={recent} repository={repository} />
    </main>
  );
}
