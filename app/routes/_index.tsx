import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PersonLink } from "../components/person-link";
import { StatusBadge } from "../components/status-badge";
import { TrendChart } from "../components/trend-chart";
import { WindowForm, windowQuery } from "../components/window-form";
import { getConfig } from "../config.server";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getReadDb } from "../db.server";
import { listLatestRuns } from "../models/import-run.server";
import { requireWindowParams } from "../request-params.server";
import { stageSummary } from "../stewardship/bus-factor";

export const meta: MetaFunction = () => [{ title: "Bus factor · Steward" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = requireWindowParams(request, config.config);
  const db = await getReadDb();
  const [report, runs] = await Promise.all([getCachedBusFactorReport({ config, ...params }), listLatestRuns(db)]);
  return {
    repository: config.config.project.repository,
    params,
    runs,
    stages: report.stages.map((stage) => ({
      ...stageSummary(stage),
      maintainers: stage.activeMaintainers.map(({ id, login, name, contributions }) => ({
        id,
        login,
        name,
        contributions,
      })),
      contributors: stage.activeMaintainers.length + stage.otherContributors.length,
    })),
  };
}

export default function Dashboard() {
  const { repository, params, runs, stages } = useLoaderData<typeof loader>();
  const query = windowQuery(params);
  return (
    <main className="page">
      <header className="page-header">
        <h1>Bus factor of {repository}</h1>
        <p className="lede">
          Active maintainers per stage as of {params.asOf}: at least {params.min} contributions to the stage in the last{" "}
          {params.windowDays} days.
        </p>
        <WindowForm {...params} />
      </header>
      <section className="stage-grid" aria-label="Stages">
        {stages.map((stage) => (
          <article key={stage.id} className={`stage-card status-${stage.status}`} data-stage={stage.id}>
            <header>
              <h2>
                <Link to={`/stages/${stage.id}${query}`}>{stage.name}</Link>
              </h2>
              <StatusBadge status={stage.status} />
            </header>
            <p className="count" aria-label={`${stage.maintainers.length} of ${stage.goal} maintainers`}>
              <strong>{stage.maintainers.length}</strong> / {stage.goal}
            </p>
            <p className="status-text">{stage.statusText}</p>
            {stage.maintainers.length > 0 ? (
              <ul className="maintainers">
                {stage.maintainers.map((person) => (
                  <li key={person.id}>
                    <PersonLink person={person} /> <span className="muted">({person.contributions} in window)</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">Nobody qualifies in this window.</p>
            )}
            <TrendChart
              points={stage.trend}
              goal={stage.goal}
              title={`${stage.name}: active maintainers per month, last 24 months`}
            />
            <p className="muted small">
              {stage.contributors} contributor{stage.contributors === 1 ? "" : "s"} in the window · absence factor{" "}
              {stage.contributorAbsenceFactor}
            </p>
            <Link to={`/stages/${stage.id}${query}`} className="more">
              Why these people, and who is next →
            </Link>
          </article>
        ))}
      </section>
      <footer className="page-footer muted">
        {runs.length === 0 ? <p>No import has run yet: see the README to import a CPython clone.</p> : null}
        {runs.map((run) => (
          <p key={run.source} className={run.status === "failed" ? "run-failed" : undefined} data-source={run.source}>
            {run.status === "failed" ? "Last attempt failed" : "Last import"}: {run.source} at{" "}
            {(run.finishedAt ?? run.startedAt).replace("T", " ").replace("Z", " UTC")} ({run.added} stored)
            {run.message ? ` — ${run.message}` : ""}
          </p>
        ))}
      </footer>
    </main>
  );
}
