import type { StarterTaskView } from "../models/starter-task.server";
import { PersonLink } from "./person-link";

export type TaskItem = Omit<StarterTaskView, "updatedAt">;

type Person = { id: number; login: string | null; name: string };

/** Starter tasks with their state in words and, for free ones, who could mentor them. */
export function TaskList({ tasks, mentors, repository }: { tasks: TaskItem[]; mentors: Person[]; repository: string }) {
  if (tasks.length === 0) return <p className="muted">No starter tasks here.</p>;
  return (
    <ul className="task-list">
      {tasks.map((task) => {
        const state = task.state === "done" ? "done" : task.claimedBy ? "claimed" : "free";
        return (
          <li key={task.key} className={`task task-${state}`} data-task={task.key} data-state={state}>
            <span className={`task-state state-${state}`}>
              {state === "done" ? "Done" : state === "claimed" ? "Claimed" : "Free"}
            </span>{" "}
            <span className="title">{task.title}</span>{" "}
            <a href={`https://github.com/${repository}/issues/${task.issueNumber}`} rel="noreferrer">
              {task.umbrellaNumber ? `gh-${task.umbrellaNumber} checklist` : `gh-${task.issueNumber}`}
            </a>
            {task.labels.map((label) => (
              <span key={label} className="label">
                {label}
              </span>
            ))}
            <div className="task-meta muted">
              {task.claimedBy ? (
                <>
                  Claimed by <PersonLink person={task.claimedBy} />
                  {task.claimEvidence ? ` — ${task.claimEvidence}` : ""}
                </>
              ) : null}
              {state === "free" && task.claimEvidence ? <>{task.claimEvidence}. </> : null}
              {state === "free" ? (
                mentors.length > 0 ? (
                  <>
                    Suggested mentor{mentors.length === 1 ? "" : "s"}:{" "}
                    {mentors.map((m, i) => (
                      <span key={m.id}>
                        {i > 0 ? ", " : ""}
                        <PersonLink person={m} />
                      </span>
                    ))}
                  </>
                ) : (
                  "No active maintainer to mentor this stage yet."
                )
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
