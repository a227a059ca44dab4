import type { PlanTask } from "../models/mentoring-plan.server";
import { CodeTitle } from "./code-title";

/**
 * The starter tasks a mentoring plan picked for its mentee, each linking to its issue (the umbrella
 * issue for a checklist item); a task no longer stored (GitHub dropped it) is named by its key.
 */
export function PlanTasks({ tasks, repository }: { tasks: PlanTask[]; repository: string }) {
  if (tasks.length === 0) return <p className="muted plan-tasks">No starter task picked yet.</p>;
  return (
    <ul className="plan-tasks" aria-label="Starter tasks picked for the mentee">
      {tasks.map((task) => {
        const issue = task.umbrellaNumber ?? task.issueNumber;
        return (
          <li key={task.key} data-plan-task={task.key}>
            {task.title === null ? (
              <span className="muted">task {task.key} (no longer a starter task)</span>
            ) : (
              <>
                <CodeTitle title={task.title} />{" "}
                <a href={`https://github.com/${repository}/issues/${issue ?? ""}`} rel="noreferrer">
                  gh-{issue}
                </a>
                {task.state === "done" ? <span className="muted"> (done)</span> : null}
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
