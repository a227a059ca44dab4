import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AndMore } from "../components/and-more";
import { BarList, personBar } from "../components/bar-list";
import { RecentContributions } from "../components/contribution-list";
import { PersonLink } from "../components/person-link";
import { StatusBadge } from "../components/status-badge";
import { TaskList } from "../components/task-list";
import { TrendChart } from "../components/trend-chart";
import { CodeTitle } from "../components/code-title";
import { LearnerReviewers } from "../components/learner-reviewers";
import { CoverageNote } from "../components/coverage-note";
import { useWindowLink, WindowForm } from "../components/window-form";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getCachedBusiestStageFiles } from "../busiest-files-cache.server";
import { getPageWriter } from "../auth.server";
import { getConfig } from "../config.server";
import { getCachedStageNewcomers } from "../onboarding-cache.server";
import { getReadDb } from "../db.server";
import { notFound, unknownStage } from "../http.server";
import {
  countAuthoredContributions,
  listCreditedContributions,
  listStageContributors,
} from "../models/bus-factor.server";
import { getCoverage } from "../models/coverage.server";
import { listTaskMentoring } from "../models/mentoring-plan.server";
import { listContributions } from "../models/contribution-list.server";
import { countStarterTasks, listStarterTasks } from "../models/starter-task.server";
import {
  composeStageKnowledgeReport,
  getCachedStageKnowledge,
  getCodeowners,
  listLearnerReviewers,
} from "../knowledge-report.server";
import { requireWindowParams } from "../request-params.server";
import { reportWindows, stageSummary } from "../stewardship/bus-factor";
import { coverageView, windowKnown } from "../stewardship/coverage";
import { describeContributions, describeParts, groupPersonEvidence } from "../stewardship/evidence-summary";
import { suggestMentors } from "../stewardship/mentors";
import { addDays, qualifies, todayUtc } from "../stewardship/metrics";
import { capList, pageCaps } from "../stewardship/capped-list";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.stage.name} · Steward` : "Stage · Steward" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const config = getConfig();
  const stageConfig = config.config.stages.find((s) => s.id === params.stage);
  if (!stageConfig) {
    throw unknownStage(
      `There is no stage "${params.stage}".`,
      config.config.stages.map(({ id, name }) => ({ id, name })),
    );
  }
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const { params: window, notes } = requireWindowParams(request, config.config, coverage);
  // The report's window, known before the report: what does not need the report is read beside it.
  const { window: reportWindow } = reportWindows(window.asOf, window.windowDays);
  const stageId = stageConfig.id;
  const [report, codeowners, writer, knowledgeView, contributors, busiest, recent, tasks, taskCount, newcomers] =
    await Promise.all([
      getCachedBusFactorReport({ config, stageId, ...window }),
      getCodeowners(db),
      getPageWriter(request, db),
      getCachedStageKnowledge(db, { config, stageId, before: reportWindow.to }),
      listStageContributors(db, { stageId, window: reportWindow }),
      getCachedBusiestStageFiles({ config, stageId, window: reportWindow, limit: 10 }),
      listContributions(db, { stage: stageId, to: reportWindow.to, limit: 15 }),
      listStarterTasks(db, { stageId, state: "open", limit: pageCaps.tasks }),
      countStarterTasks(db, { stageId, state: "open" }),
      getCachedStageNewcomers({ config, stageId, ...window }),
    ]);
  const stage = report.stages[0];
  if (!stage) throw notFound(`No report for stage "${stageId}".`);
  const maintainers = capList(stage.activeMaintainers, pageCaps.maintainers);
  const personIds = maintainers.items.map((p) => p.id);
  const [credited, authored, reviewers] = await Promise.all([
    listCreditedContributions(db, { stageId, personIds, window: report.window, limit: pageCaps.credited }),
    countAuthoredContributions(db, { stageId, personIds, window: report.window }),
    listLearnerReviewers(db, { config, query: window, stageId, limit: pageCaps.openPullRequests }),
  ]);
  const knowledge = composeStageKnowledgeReport(knowledgeView, {
    config,
    stage,
    codeowners: codeowners?.parsed ?? null,
    caps: pageCaps,
  });
  const taskMentoring = await listTaskMentoring(db, { taskKeys: tasks.map((t) => t.key) });
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
      const authoredCount = authored.get(person.id) ?? 0;
      const grouped = groupPersonEvidence(
        list.map((c) => ({
          id: c.contributionId,
          kind: c.kind,
          sha: c.sha,
          pr: c.prNumber,
          title: c.title,
          occurredAt: c.occurredAt,
          weight: c.weight,
          reviewed: c.roles.includes("reviewer") && !c.roles.includes("author") && !c.roles.includes("co-author"),
          evidence: [...new Set(c.evidence.map((e) => e.detail))],
        })),
      );
      const shared = capList(grouped.shared, pageCaps.evidence);
      return {
        id: person.id,
        login: person.login,
        name: person.name,
        countsUntil: person.countsUntil,
        contributions: person.contributions,
        credit: person.credit,
        summary: describeContributions(person.contributions, person.credit),
        authored: authoredCount,
        reviewed: person.contributions - authoredCount,
        parts: describeParts(authoredCount, person.contributions - authoredCount),
        lastActive: list[0]?.occurredAt.slice(0, 10) ?? null,
        moreCredited: Math.max(0, person.contributions - list.length),
        sharedEvidence: shared.items,
        moreSharedEvidence: shared.more,
        credited: grouped.contributions.map((c) => {
          const evidence = capList(c.evidence, pageCaps.evidence);
          return { ...c, evidence: evidence.items, moreEvidence: evidence.more };
        }),
      };
    }),
    moreMaintainers: maintainers.more,
    candidates: capList(stage.otherContributors, pageCaps.contributors),
    busiestFiles: busiest.files,
    generatedFiles: busiest.generated,
    recent,
    tasks: capList(
      tasks.map((t) => ({ ...t, mentoring: taskMentoring.get(t.key) ?? [] })),
      pageCaps.tasks,
      taskCount,
    ),
    writer,
    stageNames: config.config.stages.map((s) => ({ id: s.id, name: s.name })),
    mentors: suggestMentors(
      (contributors.get(stage.id) ?? []).filter((p) => qualifies(p.credit, window.min)),
      pageCaps.mentors,
    ).map(({ id, login, name }) => ({ id, login, name })),
    knowledge,
    codeowners: codeowners?.view ?? null,
    reviewers,
    newcomers: {
      returnWindowDays: config.config.onboarding.returnWindowDays,
      ...capList(newcomers, pageCaps.contributors),
    },
    project: config.config.project,
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
    knowledge,
    codeowners,
    reviewers,
    newcomers,
    project,
    writer,
    stageNames,
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
          {stage.countText} as of <span className="nowrap">{params.asOf}</span>: people with a{" "}
          <Link to="/how-steward-counts#credit">credit</Link> of at least {params.min} in the last{" "}
          <Link to="/how-steward-counts#window">{params.windowDays} days</Link>.
        </p>
        <p className="muted small">
          <Link to="/how-steward-counts#absence-factor">Absence factor</Link> {stage.contributorAbsenceFactor}: the
          fewest people who made half of the stage&apos;s contributions in the window.
        </p>
        <p className="muted small">
          {knowledge.fileCount === 0 ? (
            <>
              <Link to="/how-steward-counts#knowledge">Knowledge truck factor</Link>: not known, since no change to the
              stage&apos;s hand-written files is stored.
            </>
          ) : (
            <>
              <Link to="/how-steward-counts#knowledge">Knowledge truck factor</Link> {knowledge.truckFactor}: the fewest
              people whose departure leaves more than half of its {files(knowledge.fileCount)} without anyone who knows
              them.
            </>
          )}
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
              <PersonLink person={person} />
            </h3>
            <p className="maintainer-summary">
              {person.summary}, {person.parts}
              {person.lastActive ? (
                <>
                  {" "}
                  · last active <span className="nowrap">{person.lastActive}</span>
                </>
              ) : null}{" "}
              · counts until <span className="nowrap">{person.countsUntil}</span>
            </p>
            {person.sharedEvidence.length > 0 ? (
              <p className="evidence evidence-shared">
                Why: {person.sharedEvidence.join("; ")}
                {person.moreSharedEvidence > 0 ? "; " : null}
                <AndMore count={person.moreSharedEvidence} noun="rules" />{" "}
                <span className="muted">
                  (all {person.credited.length}
                  {person.moreCredited > 0 ? " listed" : ""} contributions)
                </span>
              </p>
            ) : null}
            <details className="credited">
              <summary>
                {person.moreCredited > 0 ? `The latest ${person.credited.length}` : `All ${person.credited.length}`}{" "}
                contributions in the window
              </summary>
              <ul className="evidence-list">
                {person.credited.map((c) => (
                  <li key={c.id}>
                    <span className="date">{c.occurredAt.slice(0, 10)}</span>{" "}
                    <span className={`part part-${c.reviewed ? "review" : "authored"}`}>
                      {c.reviewed ? "reviewed" : "authored"}
                    </span>{" "}
                    <CodeTitle title={c.title} />
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
            </details>
          </article>
        ))}
        {moreMaintainers > 0 ? (
          <p className="more-maintainers">
            <AndMore count={moreMaintainers} to={`/contributions?${windowFilter}`} noun="maintainers" />
          </p>
        ) : null}
      </section>

      <section aria-labelledby="knowledge">
        <h2 id="knowledge">Who knows the code</h2>
        <KnowledgeSection knowledge={knowledge} />
      </section>

      <section aria-labelledby="owners">
        <h2 id="owners">Declared owners and who does the work</h2>
        <OwnershipSection ownership={knowledge.ownership} codeowners={codeowners} />
      </section>

      <section aria-labelledby="reviewers">
        <h2 id="reviewers">Open pull requests: a learner reviewer</h2>
        <LearnerReviewers reviewers={reviewers} repository={project.repository} />
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

      <section aria-labelledby="newcomers">
        <h2 id="newcomers">Newcomers: arrived in the last {newcomers.returnWindowDays} days</h2>
        <p className="muted small">
          People whose first contribution to the stage falls in the {newcomers.returnWindowDays} days up to{" "}
          <span className="nowrap">{params.asOf}</span>. <Link to={windowLink("/onboarding")}>Onboarding</Link> shows
          what became of earlier ones.
        </p>
        {newcomers.items.length === 0 ? (
          <p className="muted">Nobody new in these days.</p>
        ) : (
          <ul className="newcomer-list">
            {newcomers.items.map((person) => (
              <li key={person.id} data-newcomer={person.id}>
                <PersonLink person={person} /> <span className="muted">arrived</span>{" "}
                <span className="nowrap">{person.arrivedOn}</span>
                {person.firstToProject ? (
                  <span className="muted"> (their first contribution to the project)</span>
                ) : null}
                {" · "}
                {person.contributions} contribution{person.contributions === 1 ? "" : "s"}
                {person.returnedOn ? (
                  <>
                    {" · "}returned <span className="nowrap">{person.returnedOn}</span>
                  </>
                ) : null}
                {person.maintainerOn ? (
                  <>
                    {" · "}a maintainer since <span className="nowrap">{person.maintainerOn}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        <AndMore count={newcomers.more} noun="newcomers" />
        {newcomers.items.length > 0 ? (
          <p className="task-mentors">
            {mentors.length > 0 ? (
              <>
                Suggested mentors:{" "}
                {mentors.map((m, i) => (
                  <span key={m.id}>
                    {i > 0 ? ", " : null}
                    <PersonLink person={m} />
                  </span>
                ))}{" "}
                <span className="muted">(the stage&apos;s most recently active maintainers)</span>
              </>
            ) : (
              <span className="muted">No active maintainer to suggest as a mentor.</span>
            )}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="tasks">
        <h2 id="tasks">Starter tasks</h2>
        <TaskList tasks={tasks.items} mentors={mentors} project={project} />
        <AndMore count={tasks.more} to={`/tasks?stage=${stage.id}`} noun="open tasks" />
      </section>

      <RecentContributions
        contributions={recent}
        repository={project.repository}
        corrector={writer ? { csrf: writer.csrf, stages: stageNames } : null}
      />
    </main>
  );
}

type StageData = ReturnType<typeof useLoaderData<typeof loader>>;

const files = (n: number) => `${n} hand-written file${n === 1 ? "" : "s"}`;

function KnowledgeSection({ knowledge }: { knowledge: StageData["knowledge"] }) {
  if (knowledge.fileCount === 0) {
    return <p className="muted">No change to the stage&apos;s hand-written files is stored yet.</p>;
  }
  return (
    <>
      <p className="muted">
        A person <Link to="/how-steward-counts#knowledge">knows a file</Link> when they created it or changed it often
        enough compared with everyone else (degree of authorship).{" "}
        {knowledge.truckFactor > 0
          ? `Without the ${knowledge.truckFactor === 1 ? "key person" : `${knowledge.truckFactor} key people`}, ${knowledge.orphanedWithoutKeyPeople} of its ${files(knowledge.fileCount)} would have nobody who knows them.`
          : `${knowledge.unauthoredFiles} of its ${files(knowledge.fileCount)} already have nobody who knows them.`}
      </p>
      <ul className="plan-list knowers">
        {knowledge.knowers.map((person) => (
          <li key={person.id} data-person={person.id}>
            <PersonLink person={person} />
            {person.keyPerson ? <strong className="warning"> key person</strong> : null}{" "}
            <span className="muted">
              knows {person.fileCount} file{person.fileCount === 1 ? "" : "s"}:
            </span>{" "}
            <span className="file-names">
              {person.files.join(", ")}
              {person.moreFiles > 0 ? `, and ${person.moreFiles} more` : ""}
            </span>
          </li>
        ))}
      </ul>
      {knowledge.moreKnowers > 0 ? (
        <p className="muted">And {knowledge.moreKnowers} more people who know fewer files.</p>
      ) : null}
    </>
  );
}

function OwnershipSection({
  ownership,
  codeowners,
}: {
  ownership: StageData["knowledge"]["ownership"];
  codeowners: StageData["codeowners"];
}) {
  if (!ownership || !codeowners) {
    return (
      <p className="muted">
        No CODEOWNERS file has been read: a git import reads it at the branch&apos;s tip, a GitHub sync through the API.
      </p>
    );
  }
  const owners = (list: Array<{ owner: string; files: number }>) =>
    list.map((d) => `${d.owner} (${d.files} file${d.files === 1 ? "" : "s"})`).join(", ");
  return (
    <>
      <p className="muted">
        From <code>{codeowners.path}</code> at <span className="sha">{codeowners.revision.slice(0, 10)}</span>, read{" "}
        <span className="nowrap">{codeowners.readAt.slice(0, 10)}</span>, for the stage&apos;s{" "}
        {files(ownership.fileCount)}.
      </p>
      <ul className="plan-list ownership">
        <li>
          Declared: {ownership.declared.length > 0 ? owners(ownership.declared) : <span className="muted">nobody</span>}
        </li>
        <li>
          Declared but not active maintainers:{" "}
          {ownership.declaredNotActive.length > 0 ? (
            <strong className="warning">{owners(ownership.declaredNotActive)}</strong>
          ) : (
            <span className="muted">none</span>
          )}
        </li>
        <li>
          Active maintainers not declared:{" "}
          {ownership.activeNotDeclared.length > 0 ? (
            <strong className="warning">
              {ownership.activeNotDeclared
                .map((p) => (p.login ? `@${p.login}` : `${p.name} (no known login)`))
                .join(", ")}
            </strong>
          ) : (
            <span className="muted">none</span>
          )}
        </li>
        {ownership.notCompared.length > 0 ? (
          <li className="muted">Teams and addresses, not compared: {owners(ownership.notCompared)}</li>
        ) : null}
        {ownership.unownedFiles.items.length > 0 ? (
          <li>
            Files with no owner: <span className="file-names">{ownership.unownedFiles.items.join(", ")}</span>
            {ownership.unownedFiles.more > 0 ? `, and ${ownership.unownedFiles.more} more` : ""}
          </li>
        ) : null}
      </ul>
      <p>The lines Steward would suggest for the stage&apos;s paths:</p>
      <pre className="codeowners-lines">{ownership.suggestedLines.join("\n")}</pre>
      {codeowners.problems.length > 0 ? (
        <p className="muted small">
          GitHub ignores {codeowners.problems.length} line{codeowners.problems.length === 1 ? "" : "s"} of the file:{" "}
          {codeowners.problems.map((p) => `line ${p.line}: ${p.message}`).join("; ")}.
        </p>
      ) : null}
    </>
  );
}
