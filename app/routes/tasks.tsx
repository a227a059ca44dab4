import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { TaskList } from "../components/task-list";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { listTodaysMaintainers } from "../models/bus-factor.server";
import { listStarterTasks } from "../models/starter-task.server";
import { requireListParams } from "../request-params.server";
import { taskStates } from "../stewardship/query-params";

export const meta: MetaFunction = () => [{ title: "Starter tasks · Steward" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const { stage, state = "open" } = requireListParams(request, config.config);
  const db = await getReadDb();
  const [tasks, maintainers] = await Promise.all([
    listStarterTasks(db, { stageId: stage, state }),
    listTodaysMaintainers(db, config),
  ]);
  const groups = [...config.config.stages.map((s) => ({ id: s.id, name: s.name })), { id: null, name: "No stage yet" }]
    .map((group) => ({
      ...group,
      mentors: (maintainers.get(group.id ?? "") ?? []).map(({ id, login, name }) => ({ id, login, name })),
      tasks: tasks.filter((t) => t.stageId === group.id),
    }))
    .filter((group) => group.tasks.length > 0);
  return {
    filter: { stage: stage ?? "", state },
    stages: config.config.stages.map((s) => ({ id: s.id, name: s.name })),
    groups,
    total: tasks.length,
    repository: config.config.project.repository,
  };
}

export default function TasksPage() {
  const { filter, stages, groups, total, repository } = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <header className="page-header">
        <h1>Starter tasks</h1>
        <p className="lede">
          Small, well-described tasks for new contributors: checklist items of umbrella issues and issues labelled as
          easy. Free ones list the stage&apos;s active maintainers as mentors.
        </p>
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
          <button type="submit">Filter</button>
        </Form>
      </header>
      <p className="muted" data-testid="task-count">
        {total} task{total === 1 ? "" : "s"}
      </p>
      {groups.map((group) => (
        <section key={group.id ?? "none"} aria-label={group.name} data-stage={group.id ?? "none"}>
          <h2>{group.name}</h2>
          <TaskList tasks={group.tasks} mentors={group.mentors} repository={repository} />
        </section>
      ))}
    </main>
  );
}
