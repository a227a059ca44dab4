import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BarList, personBar } from "../components/bar-list";
import { RecentContributions } from "../components/contribution-list";
import { PersonLink } from "../components/person-link";
import { StatusBadge } from "../components/status-badge";
import { TaskList } from "../components/task-list";
import { TrendChart } from "../components/trend-chart";
import { WindowForm } from "../components/window-form";
import { getConfig } from "../config.server";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getReadDb } from "../db.server";
import { notFound } from "../http.server";
import { listCreditedContributions } from "../models/bus-factor.server";
import { listBusiestStageFiles, listContributions } from "../models/contribution-list.server";
import { listStarterTasks } from "../models/starter-task.server";
import { requireWindowParams } from "../request-params.server";
import { stageSummary } from "../stewardship/bus-factor";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.stage.name} · Steward` : "Stage · Steward" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const config = getConfig();
  const stageConfig = config.config.stages.find((s) => s.id === params.stage);
  if (!stageConfig) {
    throw notFound(`There is no stage "${params.stage}". Configured stages: ${config.stageIds.join(", ")}.`);
  }
  const window = requireWindowParams(request, config.config);
  const db = await getReadDb();
  const report = await getCachedBusFactorReport({ config, stageId: stageConfig.id, ...window });
  const stage = report.stages[0];
  if (!stage) throw notFound(`No report for stage "${stageConfig.id}".`);
  const [credited, busiestFiles, recent, tasks] = await Promise.all([
    listCreditedContributions(db, {
      stageId: stage.id,
      personIds: stage.activeMaintainers.map((p) => p.id),
      window: report.window,
    }),
    listBusiestStageFiles(db, { stageId: stage.id, window: report.window, limit: 10 }),
    listContributions(db, { stage: stage.id, to: report.window.to, limit: 15 }),
    listStarterTasks(db, { stageId: stage.id, state: "open" }),
  ]);
  return {
    params: window,
    stage: stageSummary(stage),
    maintainers: stage.activeMaintainers.map((person) => ({
      ...person,
      credited: (credited.get(person.id) ?? []).map((c) => ({
        id: c.contributionId,
        kind: c.kind,
        sha: c.sha,
        pr: c.prNumber,
        title: c.title,
        occurredAt: c.occurredAt,
        weight: c.weight,
        reviewed: c.roles.includes("reviewer") && !c.roles.includes("author") && !c.roles.includes("co-author"),
        evidence: c.evidence.map((e) => e.detail),
      })),
    })),
    candidates: stage.otherContributors,
    busiestFiles,
    recent,
    tasks,
    mentors: stage.activeMaintainers.map(({ id, login, name }) => ({ id, login, name })),
    repository: config.config.project.repository,
  };
}

export default function StagePage() {
  const { params, stage, maintainers, candidates, busiestFiles, recent, tasks, mentors, repository } =
    useLoaderData<typeof loader>();
  return (
    <main className="page">
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/">Dashboard</Link> / {stage.name}
        </p>
        <h1>
          {stage.name} <StatusBadge status={stage.status} />
        </h1>
        <p className="lede">{stage.description}</p>
        <p className="status-text">
          {stage.statusText} (as of {params.asOf}, {params.windowDays}-day window, at least {params.min} contributions).
          Absence factor: {stage.contributorAbsenceFactor}.
        </p>
        <WindowForm {...params} />
      </header>

      <section aria-labelledby="trend">
        <h2 id="trend">Active maintainers over time</h2>
        <TrendChart points={stage.trend} goal={stage.goal} title={`${stage.name}: active maintainers per month`} />
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
                  {c.evidence.length > 0 ? <span className="evidence"> — {c.evidence.join("; ")}</span> : null}
                </li>
              ))}
            </ul>
          </article>
        ))}
      </section>

      <section aria-labelledby="candidates">
        <h2 id="candidates">Other contributors in the window</h2>
        <p className="muted">Ranked by credit; each needs {params.min} to count as a maintainer.</p>
        {candidates.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <BarList
            items={candidates.map((p) => personBar(p, p.credit))}
            max={Math.max(params.min, ...candidates.map((p) => p.credit))}
          />
        )}
      </section>

      <section aria-labelledby="files">
        <h2 id="files">Busiest files</h2>
        {busiestFiles.length === 0 ? (
          <p className="muted">No stage work in the window.</p>
        ) : (
          <BarList items={busiestFiles.map((f) => ({ label: f.path, value: f.contributions }))} />
        )}
      </section>

      <section aria-labelledby="tasks">
        <h2 id="tasks">Starter tasks</h2>
        <TaskList tasks={tasks} mentors={mentors} repository={repository} />
      </section>

      <RecentContributions contributions={recent} repository={repository} />
    </main>
  );
}
