import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AndMore } from "../components/and-more";
import { BarList } from "../components/bar-list";
import { CoverageNote } from "../components/coverage-note";
import { CohortChart, CohortList, FunnelBars, PullRequestWaitsText } from "../components/onboarding-funnel";
import { PersonLink } from "../components/person-link";
import { useWindowLink, WindowForm } from "../components/window-form";
import { getConfig } from "../config.server";
import { getCachedOnboardingReport } from "../onboarding-cache.server";
import { getReadDb } from "../db.server";
import { getCoverage } from "../models/coverage.server";
import { requireWindowParams } from "../request-params.server";
import { capList } from "../stewardship/capped-list";
import { coverageView } from "../stewardship/coverage";

export const meta: MetaFunction = () => [{ title: "Onboarding · Steward" }];

/** Taken-up tasks listed per track; the API lists them all. */
const TASKS_PER_TRACK = 10;

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const { params, notes } = requireWindowParams(request, config.config, coverage);
  const report = await getCachedOnboardingReport({ config, ...params });
  return {
    params,
    coverage: coverageView(coverage, notes),
    // Data that starts after the project did makes everyone at work in its first days look new.
    startsMidway: coverage !== null && !coverage.fromStart ? coverage.from : null,
    returnWindowDays: report.returnWindowDays,
    overall: report.overall,
    stages: report.stages,
    tracks: report.tracks.map((track) => {
      const tasks = capList(track.takenUpTasks, TASKS_PER_TRACK);
      return { ...track, takenUpTasks: tasks.items, moreTasks: tasks.more };
    }),
    repository: config.config.project.repository,
  };
}

function shareOf(part: number, whole: number): string {
  return whole === 0 ? "" : ` (${Math.round((100 * part) / whole)}%)`;
}

export default function OnboardingPage() {
  const { params, coverage, startsMidway, returnWindowDays, overall, stages, tracks, repository } =
    useLoaderData<typeof loader>();
  const windowLink = useWindowLink();
  return (
    <main className="page">
      <header className="page-header">
        <h1>Onboarding</h1>
        <p className="lede">
          Who <Link to="/how-steward-counts#onboarding">arrived</Link> in each stage (their first contribution to it),
          who came back within {returnWindowDays} days, and who went on to meet the{" "}
          <Link to="/how-steward-counts#credit">maintainer rule</Link> (a credit of {params.min} in {params.windowDays}{" "}
          days), as of <span className="nowrap">{params.asOf}</span>; and whether the starter tracks bring people who
          stay.
        </p>
        <CoverageNote coverage={coverage} />
        {startsMidway ? (
          <p className="coverage-note" role="note">
            The data starts on <span className="nowrap">{startsMidway}</span>: people already at work then look new in
            its first quarter.
          </p>
        ) : null}
        <WindowForm {...params} />
      </header>

      <section aria-labelledby="overall">
        <h2 id="overall">All stages</h2>
        <p className="muted small">
          A person arrives with their first contribution to any stage and returns with one to any stage; a maintainer of
          any stage counts.
        </p>
        <FunnelBars report={overall} returnWindowDays={returnWindowDays} />
        <PullRequestWaitsText waits={overall.pullRequests} />
        <h3>Arrivals per quarter</h3>
        <CohortChart cohorts={overall.cohorts} title="All stages: arrivals per quarter" />
        <details className="cohort-details">
          <summary>Each quarter in numbers</summary>
          <CohortList cohorts={overall.cohorts} />
        </details>
      </section>

      {stages.map((stage) => (
        <section key={stage.id} aria-labelledby={`stage-${stage.id}`} className="onboarding-stage">
          <h2 id={`stage-${stage.id}`}>
            <Link to={windowLink(`/stages/${stage.id}`)}>{stage.name}</Link>
          </h2>
          <FunnelBars report={stage} returnWindowDays={returnWindowDays} />
          <PullRequestWaitsText waits={stage.pullRequests} />
          <h3>Arrivals per quarter</h3>
          <CohortChart cohorts={stage.cohorts} title={`${stage.name}: arrivals per quarter`} />
          <details className="cohort-details">
            <summary>Each quarter in numbers</summary>
            <CohortList cohorts={stage.cohorts} />
          </details>
        </section>
      ))}

      <section aria-labelledby="tracks">
        <h2 id="tracks">Starter tracks</h2>
        <p className="muted small">
          A <Link to={windowLink("/tasks")}>starter task</Link> is taken up when a merged contribution names it (a
          checklist item by its uop and the umbrella issue, a labelled issue by <code>gh-N</code>). A newcomer had no
          work on the task&apos;s stage before; they returned with more work on it within {returnWindowDays} days.
        </p>
        {tracks.length === 0 ? <p className="muted">No starter tasks are stored.</p> : null}
        {tracks.map((track) => (
          <article key={track.id} className="track" data-track={track.id}>
            <h3>{track.title}</h3>
            {track.takenUp === 0 ? (
              <p className="track-summary">
                None of its {track.tasks} tasks has been taken up by a merged contribution.
              </p>
            ) : (
              <>
                <p className="track-summary">
                  {track.takenUp} of {track.tasks} tasks taken up by {track.people}{" "}
                  {track.people === 1 ? "person" : "people"}; {track.newcomers} newcomer
                  {track.newcomers === 1 ? "" : "s"}, of whom {track.returned} returned
                  {shareOf(track.returned, track.newcomers)} and {track.maintainers} became maintainer
                  {track.maintainers === 1 ? "" : "s"}
                  {track.pending > 0 ? `; ${track.pending} may still return` : ""}.
                </p>
                <BarList
                  unit="people"
                  items={[
                    { label: "Took up a task", value: track.people },
                    { label: "… newcomers", value: track.newcomers },
                    { label: "… who returned", value: track.returned },
                    { label: "… who became maintainers", value: track.maintainers },
                  ]}
                />
              </>
            )}
            {track.takenUpTasks.length > 0 ? (
              <details className="taken-up">
                <summary>Tasks taken up</summary>
                <ul className="evidence-list">
                  {track.takenUpTasks.map((task) => (
                    <li key={task.key}>
                      <span className="date">{task.by.mergedOn}</span> {task.title}{" "}
                      {task.by.prNumber !== null ? (
                        <a href={`https://github.com/${repository}/pull/${task.by.prNumber}`}>#{task.by.prNumber}</a>
                      ) : null}{" "}
                      by{" "}
                      {task.people.map((person, i) => (
                        <span key={person.id}>
                          {i > 0 ? ", " : null}
                          <PersonLink person={person} />
                          <span className="muted">
                            {" "}
                            (
                            {[
                              person.newcomer ? "newcomer" : "already at work on the stage",
                              person.returned ? "returned" : person.pending ? "may still return" : null,
                              person.maintainer ? "became a maintainer" : null,
                            ]
                              .filter(Boolean)
                              .join(", ")}
                            )
                          </span>
                        </span>
                      ))}
                    </li>
                  ))}
                </ul>
                <AndMore count={track.moreTasks} noun="tasks taken up (GET /api/onboarding lists them all)" />
              </details>
            ) : null}
          </article>
        ))}
      </section>
    </main>
  );
}
