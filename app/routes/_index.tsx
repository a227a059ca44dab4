import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AndMore } from "../components/and-more";
import { PersonLink } from "../components/person-link";
import { StatusBadge } from "../components/status-badge";
import { TrendChart } from "../components/trend-chart";
import { CoverageNote, WithWholeDates } from "../components/coverage-note";
import { useWindowLink, WindowForm } from "../components/window-form";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { getCoverage } from "../models/coverage.server";
import { listLatestRuns } from "../models/import-run.server";
import { listScheduledJobs } from "../models/job-run.server";
import { requireWindowParams } from "../request-params.server";
import { stageSummary } from "../stewardship/bus-factor";
import { coverageView, windowKnown } from "../stewardship/coverage";
import { goalProgress } from "../stewardship/goals";
import { todayUtc } from "../stewardship/metrics";
import { capList, pageCaps } from "../stewardship/capped-list";
import { followUpLines, followUpsOffLine, scheduledJobLines } from "../stewardship/schedule";
import {
  pullRequestRefreshJobName,
  readFollowUpSettings,
  readFollowUpStatus,
} from "../jobs/pull-request-refresh-job.server";

export const meta: MetaFunction = () => [{ title: "Bus factor · Steward" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const { params, notes } = requireWindowParams(request, config.config, coverage);
  const nowMs = Date.now();
  const [report, runs, jobs, followUps] = await Promise.all([
    getCachedBusFactorReport({ config, ...params }),
    listLatestRuns(db),
    listScheduledJobs(db),
    readFollowUpStatus(db, { nowMs }),
  ]);
  const known = windowKnown(params.windowDays, coverage, todayUtc());
  return {
    repository: config.config.project.repository,
    params,
    coverage: coverageView(coverage, notes),
    runs,
    // Scheduled jobs (SYNC_EVERY): the next run, the last one's outcome, a run given up on; webhooks'
    // follow-ups given up on lately, and a backed-up queue of them.
    schedule: [
      ...jobs.flatMap((job) => scheduledJobLines(job, nowMs).map((line) => ({ job: job.job, ...line }))),
      ...followUpLines(followUps, nowMs).map((line) => ({ job: pullRequestRefreshJobName, ...line })),
    ],
    followUpsOff: followUpsOffLine({
      webhooksOn: Boolean(process.env.GITHUB_WEBHOOK_SECRET?.trim()),
      tokenSet: readFollowUpSettings() !== null,
    }),
    stages: report.stages.map((stage) => ({
      ...stageSummary(stage, known),
      maintainerCount: stage.activeMaintainers.length,
      // The dated goal against the maintainers counted on the page's as-of day: overdue when that day is
      // past the goal's date and the goal is not met.
      goalLine: goalProgress(
        { target: stage.goal, dueOn: stage.goalDueOn },
        stage.activeMaintainers.length,
        params.asOf,
      ),
      maintainers: capList(stage.activeMaintainers, pageCaps.cardMaintainers).items.map(
        ({ id, login, name, contributions }) => ({ id, login, name, contributions }),
      ),
      contributors: stage.activeMaintainers.length + stage.otherContributors.length,
    })),
  };
}

export default function Dashboard() {
  const { repository, params, coverage, runs, schedule, followUpsOff, stages } = useLoaderData<typeof loader>();
  const windowLink = useWindowLink();
  return (
    <main className="page">
      <header className="page-header">
        <h1>Bus factor of {repository}</h1>
        <p className="lede">
          Active maintainers per stage as of <span className="nowrap">{params.asOf}</span>: people with a credit of at
          least {params.min} on the stage in the last {params.windowDays} days (a contribution counts 1, a review up to
          1). <Link to="/how-steward-counts">How Steward counts</Link>.
        </p>
        <CoverageNote coverage={coverage} />
        <WindowForm {...params} />
      </header>
      <section className="stage-grid" aria-label="Stages">
        {stages.map((stage) => (
          <article key={stage.id} className={`stage-card status-${stage.status}`} data-stage={stage.id}>
            <header>
              <h2>
                <Link to={windowLink(`/stages/${stage.id}`)}>{stage.name}</Link>
              </h2>
              <StatusBadge status={stage.status} />
            </header>
            <p className="count" aria-label={`${stage.maintainerCount} of ${stage.goal} maintainers`}>
              <strong>{stage.maintainerCount}</strong> / {stage.goal}
            </p>
            <p className="goal-line" data-goal={stage.id}>
              Goal: {stage.goalLine.text}
              {stage.goalLine.overdue ? <strong className="warning overdue"> — overdue</strong> : null}
            </p>
            {stage.maintainers.length > 0 ? (
              <ul className="maintainers">
                {stage.maintainers.map((person) => (
                  <li key={person.id}>
                    <PersonLink person={person} /> <span className="muted">({person.contributions} in the window)</span>
                  </li>
                ))}
                {stage.maintainerCount > stage.maintainers.length ? (
                  <li>
                    <AndMore
                      count={stage.maintainerCount - stage.maintainers.length}
                      to={windowLink(`/stages/${stage.id}`)}
                    />
                  </li>
                ) : null}
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
              {stage.contributors} contributor{stage.contributors === 1 ? "" : "s"} in the window ·{" "}
              <Link to="/how-steward-counts#absence-factor">absence factor</Link> {stage.contributorAbsenceFactor} (the
              fewest people who made half the work)
            </p>
            <Link to={windowLink(`/stages/${stage.id}`)} className="more">
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
        {schedule.map((line) => (
          <p key={line.text} className={line.failed ? "run-failed" : undefined} data-job={line.job}>
            <WithWholeDates text={line.text} />
          </p>
        ))}
        {followUpsOff ? <p data-job="pull-request-refresh">{followUpsOff}</p> : null}
      </footer>
    </main>
  );
}
