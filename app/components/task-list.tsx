import { Link } from "@remix-run/react";
import type { StarterTaskView } from "../models/starter-task.server";
import { taskGuide } from "../stewardship/starter-guide";
import { CodeTitle } from "./code-title";
import { PersonLink } from "./person-link";
import { useWindowLink } from "./window-form";

type Person = { id: number; login: string | null; name: string };

export type TaskItem = Omit<StarterTaskView, "updatedAt"> & {
  /** Live mentoring plans that picked the task for their mentee. */
  mentoring?: Array<{ planId: number; mentor: Person; mentee: Person }>;
};

/**
 * Starter tasks with their state in words and, for free ones, what a newcomer does next: how to claim
 * the task, where its text is, where in the code to start, and who could mentor it.
 */
export function TaskList({
  tasks,
  mentors,
  project,
}: {
  tasks: TaskItem[];
  mentors: Person[];
  project: { repository: string; branch: string };
}) {
  if (tasks.length === 0) return <p className="muted">No starter tasks here.</p>;
  const anyFree = tasks.some((t) => t.state !== "done" && !t.claimedBy);
  return (
    <>
      {anyFree ? (
        <p className="task-mentors">
          {mentors.length > 0 ? (
            <>
              <strong>Suggested mentors</strong> for these tasks, the stage&apos;s most recently active maintainer
              {mentors.length === 1 ? "" : "s"}:{" "}
              {mentors.map((m, i) => (
                <span key={m.id}>
                  {i > 0 ? (i === mentors.length - 1 ? " or " : ", ") : ""}
                  <PersonLink person={m} />
                </span>
              ))}
              .
            </>
          ) : (
            "No active maintainer to mentor this stage yet."
          )}
        </p>
      ) : null}
      <ul className="task-list">
        {tasks.map((task) => {
          const state = task.state === "done" ? "done" : task.claimedBy ? "claimed" : "free";
          const guide = taskGuide(task, project);
          return (
            <li key={task.key} className={`task task-${state}`} data-task={task.key} data-state={state}>
              <span className={`task-state state-${state}`}>
                {state === "done" ? "Done" : state === "claimed" ? "Claimed" : "Free"}
              </span>{" "}
              <span className="title">
                <CodeTitle title={task.title} />
              </span>{" "}
              <a href={guide.itemUrl} rel="noreferrer">
                {task.umbrellaNumber ? `the item in gh-${task.umbrellaNumber}` : `gh-${task.issueNumber}`}
              </a>
              {task.labels.map((label) => (
                <span key={label} className="label">
                  {label}
                </span>
              ))}
              {task.claimedBy || task.claimEvidence ? (
                <div className="task-meta muted">
                  {task.claimedBy ? (
                    <>
                      Claimed by <PersonLink person={task.claimedBy} />
                      {task.claimEvidence ? ` — ${task.claimEvidence}` : ""}
                    </>
                  ) : null}
                  {state === "free" && task.claimEvidence ? <>{task.claimEvidence}.</> : null}
                </div>
              ) : null}
              {task.mentoring?.map((plan) => (
                <div key={plan.planId} className="task-meta task-mentoring" data-mentoring-plan={plan.planId}>
                  mentored: <Handle person={plan.mentor} /> with <Handle person={plan.mentee} />
                </div>
              ))}
              {state === "free" ? (
                <ul className="task-next">
                  <li className="task-claim">
                    <strong>To claim:</strong> {guide.claim}
                  </li>
                  {guide.uop && guide.code.length > 0 ? (
                    <li className="task-code">
                      <strong>Start in:</strong> <code>{guide.uop}</code> in{" "}
                      {guide.code.map((file, i) => (
                        <span key={file.path}>
                          {i > 0 ? " and " : ""}
                          <a href={file.fileUrl} rel="noreferrer">
                            <code>{file.path}</code>
                          </a>{" "}
                          (
                          <a
                            href={file.searchUrl}
                            rel="noreferrer"
                            aria-label={`Find ${guide.uop ?? ""} in ${file.path}`}
                          >
                            find
                          </a>
                          )
                        </span>
                      ))}
                    </li>
                  ) : null}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** "@login" linking to the person's page (their name when no login is known). */
function Handle({ person }: { person: Person }) {
  const windowLink = useWindowLink();
  return (
    <Link to={windowLink(`/people/${person.id}`)} className="person-link" title={person.name}>
      {person.login ? `@${person.login}` : person.name}
    </Link>
  );
}
