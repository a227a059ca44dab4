import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AndMore } from "../components/and-more";
import { BarList, personBar } from "../components/bar-list";
import { RecentContributions } from "../components/contribution-list";
import { PersonLink } from "../components/person-link";
import { StatusBadge } from "../components/status-badge";
import { TaskList } from "../components/task-list";
import { TrendChart } from "../components/trend-chart";
import { CoverageNote } from "../components/coverage-note";
import { useWindowLink, WindowForm } from "../components/window-form";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { notFound } from "../http.server";
import { listCreditedContributions } from "../models/bus-factor.server";
import { getCoverage } from "../models/coverage.server";
import { listBusiestStageFiles, listContributions } from "../models/contribution-list.server";
import { countStarterTasks, listStarterTasks } from "../models/starter-task.server";
import { requireWindowParams } from "../request-params.server";
import { stageSummary } from "../stewardship/bus-factor";
import { coverageView, windowKnown } from "../stewardship/coverage";
import { addDays, todayUtc } from "../stewardship/metrics";
import { capList, pageCaps } from "../stewardship/capped-list";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.stage.name} · Steward` : "Stage · Steward" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const config = getConfig();
  const stageConfig = config.config.stages.find((s) => s.id === params.stage);
  if (!stageConfig) {
    throw notFound(`There is no stage "${params.stage}". Configured stages: ${config.stageIds.join(", ")}.`);
  }
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const { params: window, notes } = requireWindowParams(request, config.config, coverage);
  const report = await getCachedBusFactorReport({ config, stageId: stageConfig.id, ...window });
  const stage = report.stages[0];
  if (!stage) throw notFound(`No report for stage "${stageConfig.id}".`);
  const maintainers = capList(stage.activeMaintainers, pageCaps.maintainers);
  const [credited, busiest, recent, tasks, taskCount] = await Promise.all([
    listCreditedContributions(db, {
      stageId: stage.id,
      personIds: maintainers.items.map((p) => p.id),
      window: report.window,
      limit: pageCaps.credited,
    }),
    listBusiestStageFiles(db, { config, stageId: stage.id, window: report.window, limit: 10 }),
    listContributions(db, { stage: stage.id, to: report.window.to, limit: 15 }),
    listStarterTasks(db, { stageId: stage.id, state: "open", limit: pageCaps.tasks }),
    countStarterTasks(db, { stageId: stage.id, state: "open" }),
  ]);
  // The whole window's contributions of the stage, as /contributions filters them (whole days).
  const windowFilter = `stage=${stage.id}&from=${addDays(window.asOf, 1 - window.windowDays)}&to=${window.asOf}`;
  return {
    params: window,
    coverage: coverageView(coverage, notes),
    stage: stageSummary(stage, windowKnown(window.windowDays, coverage, todayUtc())),
    trendChanges: stage.trendChanges,
    windowFilter,
    maintainers: maintainers.items.map((person) => {
      const list = credited.get(person.id) ?? [];
      return {
        ...person,
        moreCredited: Math.max(0, person.contributions - list.length),
        credited: list.map((c) => {
          const evidence = capList(
            c.evidence.map((e) => e.detail),
            pageCaps.evidence,
          );
          return {
            id: c.contributionId,
            kind: c.kind,
            sha: c.sha,
            pr: c.prNumber,
            title: c.title,
            occurredAt: c.occurredAt,
            weight: c.weight,
            reviewed: c.roles.includes("reviewer") && !c.roles.includes("author") && !c.roles.includes("co-author"),
            evidence: evidence.items,
            moreEvidence: evidence.more,
          };
        }),
      };
    }),
    moreMaintainers: maintainers.more,
    candidates: capList(stage.otherContributors, pageCaps.contributors),
    busiestFiles: busiest.files,
    generatedFiles: busiest.generated,
    recent,
    tasks: capList(tasks, pageCaps.tasks, taskCount),
    mentors: stage.activeMaintainers.slice(0, pageCaps.mentors).map(({ id, login, name }) => ({ id, login, name })),
    repository: config.config.project.repository,
  };
}

export default function StagePage() {
  const {
    params,
    coverage,
    stage,
    trendChanges,
    windowFilter,
    maintainers,
    moreMaintainers,
    candidates,
    busiestFiles,
    generatedFiles,
    recent,
    tasks,
    mentors,
    repository,
  } = useLoaderData<typeof loader>();
  const windowLink = useWindowLink();
  return (
    <main className="page">
      <header className="page-header">
        <p className="breadcrumb">
          <Link to={windowLink("/")}>Dashboard</Link> / {stage.name}
        </p>
        <h1>
          {stage.name} <StatusBadge status={stage.status} />
        </h1>
        <p className="lede">{stage.description}</p>
        <p className="status-text">
          {stage.statusText} (as of {params.asOf}, {params.windowDays}-day window, at least {params.min} contributions).
          Absence factor: {stage.contributorAbsenceFactor}.
        </p>
        <CoverageNote coverage={coverage} />
        <WindowForm {...params} />
      </header>

      <section aria-labelledby="trend">
        <h2 id="trend">Active maintainers over time</h2>
        <TrendChart
          points={stage.trend}
          goal={stage.goal}
          changes={trendChanges}
          title={`${stage.name}: active maintainers per month`}
        />
      </section>

      <section aria-labelledby="maintainers">
        <h2 id="maintainers">Active maintainers and why they count</h2>
        {maintainers.length === 0 ? <p className="muted">Nobody meets the rule in this window.</p> : null}
        {maintainers.map((person) => (
          <article key={person.id} className="maintainer" data-person={person.id}>
            <h3>
              <PersonLink person={person} />{" "}
              <span className="muted">
                {person.contributions} contributions, credit {person.credit}
              </span>
            </h3>
            <ul className="evidence-list">
              {person.credited.map((c) => (
                <li key={c.id}>
                  <span className="date">{c.occurredAt.slice(0, 10)}</span>{" "}
                  <span className={`part part-${c.reviewed ? "review" : "authored"}`}>
                    {c.reviewed ? "reviewed" : "authored"}
                  </span>{" "}
                  {c.title}
                  {c.weight < 1 ? <span className="muted"> (counts {c.weight})</span> : null}
                  {c.evidence.length > 0 ? (
                    <span className="evidence">
                      {" "}
                      — {c.evidence.join("; ")}
                      {c.moreEvidence > 0 ? "; " : null}
                      <AndMore count={c.moreEvidence} noun="rules" />
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
            {person.moreCredited > 0 ? (
              <p className="more-credited">
                <AndMore
                  count={person.moreCredited}
                  to={`/contributions?${windowFilter}&person=${person.id}`}
                  noun="contributions in the window"
                />
              </p>
            ) : null}
          </article>
        ))}
        {moreMaintainers > 0 ? (
          <p className="more-maintainers">
            <AndMore count={moreMaintainers} to={`/contributions?${windowFilter}`} noun="maintainers" />
          </p>
        ) : null}
      </section>

      <section aria-labelledby="candidates">
        <h2 id="candidates">Other contributors in the window</h2>
        <p className="muted">Ranked by credit; each needs {params.min} to count as a maintainer.</p>
        {candidates.items.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <BarList
            items={candidates.items.map((p) => personBar(p, p.credit))}
            max={Math.max(params.min, ...candidates.items.map((p) => p.credit))}
          />
        )}
        <AndMore count={candidates.more} to={`/contributions?${windowFilter}`} noun="contributors" />
      </section>

      <section aria-labelledby="files">
        <h2 id="files">Busiest files</h2>
        {busiestFiles.length === 0 ? (
          <p className="muted">No stage work in the window.</p>
        ) : (
          <BarList items={busiestFiles.map((f) => ({ label: f.path, value: f.contributions }))} />
        )}
        {generatedFiles.length > 0 ? (
          <p className="muted generated-files">
            Generated files, left out since they change with their sources:{" "}
            {generatedFiles.map((f) => `${f.path} (${f.contributions})`).join(", ")}.
          </p>
        ) : null}
      </section>

      <section aria-labelledby="tasks">
        <h2 id="tasks">Starter tasks</h2>
        <TaskList tasks={tasks.items} mentors={mentors} repository={repository} />
        <AndMore count={tasks.more} to={`/tasks?stage=${stage.id}`} noun="open tasks" />
      </section>

      <RecentContributions contributions={recent} repository={repository} />
    </main>
  );
}
