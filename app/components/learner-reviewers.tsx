import { CodeTitle } from "./code-title";

interface OpenPullRequestView {
  number: number;
  title: string;
  suggestions: Array<{ stageId: string; note: string }>;
}

/** Open pull requests with, for each single-maintainer stage they touch, who to ask and who learns by reviewing. */
export function LearnerReviewers({ reviewers, repository }: { reviewers: OpenPullRequestView[]; repository: string }) {
  if (reviewers.length === 0) {
    return (
      <p className="muted">
        No open pull request needs one: a learner reviewer is suggested on an open pull request touching a stage with
        fewer than two maintainers.
      </p>
    );
  }
  return (
    <ul className="plan-list learner-reviewers">
      {reviewers.map((pr) => (
        <li key={pr.number} data-pr={pr.number}>
          <a href={`https://github.com/${repository}/pull/${pr.number}`}>#{pr.number}</a> <CodeTitle title={pr.title} />
          {pr.suggestions.map((s) => (
            <p key={s.stageId} className="small reviewer-note">
              {s.note}
            </p>
          ))}
        </li>
      ))}
    </ul>
  );
}
