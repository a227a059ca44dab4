import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CoverageNote } from "../components/coverage-note";
import { AndMore } from "../components/and-more";
import { TaskList } from "../components/task-list";
import { KeptWindowInputs } from "../components/window-form";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { listTodaysMaintainers } from "../models/bus-factor.server";
import { getCoverage } from "../models/coverage.server";
import { listTaskMentoring } from "../models/mentoring-plan.server";
import { countStarterTasks, listStarterTasks } from "../models/starter-task.server";
import { requireListParams } from "../request-params.server";
import { pageCaps } from "../stewardship/capped-list";
import { coverageView, effectiveAsOf } from "../stewardship/coverage";
import { suggestMentors } from "../stewardship/mentors";
import { todayUtc } from "../stewardship/metrics";
import { taskStates } from "../stewardship/query-params";

export const meta: MetaFunction = () => [{ title: "Starter tasks · Steward" }];

const PAGE_SIZE = 200;

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const { stage, state = "open", page = 1 } = requireListParams(request, config.config);
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const { asOf, reason } = effectiveAsOf(undefined, todayUtc(), coverage);
  const [tasks, total, maintainers] = await Promise.all([
    listStarterTasks(db, { stageId: stage, state, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    countStarterTasks(db, { stageId: stage, state }),
    listTodaysMaintainers(db, config, { asOf }),
  ]);
  const mentoring = await listTaskMentoring(db, { taskKeys: tasks.map((t) => t.key) });
  const groups = [...config.config.stages.map((s) => ({ id: s.id, name: s.name })), { id: null, name: "No stage yet" }]
    .map((group) => ({
      ...group,
      mentors: suggestMentors(maintainers.get(group.id ?? "") ?? [], pageCaps.mentors).map(({ id, login, name }) => ({
        id,
        login,
        name,
      })),
      tasks: tasks.filter((t) => t.stageId === group.id).map((t) => ({ ...t, mentoring: mentoring.get(t.key) ?? [] })),
    }))
    .filter((group) => group.tasks.length > 0);
  return {
    filter: { stage: stage ?? "", state },
    coverage: coverageView(
      coverage,
      reason === "newest-data" ? [`Mentors are the maintainers as of ${asOf}, the newest data.`] : [],
    ),
    stages: config.config.stages.map((s) => ({ id: s.id, name: s.name })),
    groups,
    total,
    // The tasks after this page's, if any: the next page's link says how many.
    next: { page: page + 1, more: Math.max(0, total - (page - 1) * PAGE_SIZE - tasks.length) },
    project: config.config.project,
  };
}

export default function TasksPage() {
  const { filter, coverage, stages, groups, total, next, project } = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <header className="page-header">
        <h1>Starter tasks</h1>
        <p className="lede">
          Small, well-described tasks for new contributors: checklist items of umbrella issues such as gh-134584, and
          issues labelled as easy. Each free task says how to claim it, where in the code to start and whom to ask.{" "}
          <Link to="/how-steward-counts#starter-tasks">How tasks are found and claimed</Link>.
        </p>
        <CoverageNote coverage={coverage} />
        <Form method="get" className="filter-form" aria-label="Filter tasks">
          <label>
            Stage{" "}
            <select name="stage" defaultValue={filter.stage}>
              <option value="">All stages</option>
              {stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
              <option value="none">No stage</option>
            </select>
          </label>
          <label>
            State{" "}
            <select name="state" defaultValue={filter.state}>
              {taskStates.map((state) => (
                <option key={state} value={state}>
                  {state}
                </option>
              ))}
            </select>
          </label>
          <KeptWindowInputs />
          <button type="submit">Filter</button>
        </Form>
      </header>
      <p className="muted" data-testid="task-count">
        {total} task{total === 1 ? "" : "s"}
      </p>
      {groups.map((group) => (
        <section key={group.id ?? "none"} aria-label={group.name} data-stage={group.id ?? "none"}>
          <h2>{group.name}</h2>
          <TaskList tasks={group.tasks} mentors={group.mentors} project={project} />
        </section>
      ))}
      <AndMore
        count={next.more}
        to={`?${new URLSearchParams({ ...(filter.stage ? { stage: filter.stage } : {}), state: filter.state, page: String(next.page) }).toString()}`}
        noun="tasks on the next page"
      />
    </main>
  );
}
