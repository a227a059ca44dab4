import type { ContributionView } from "../models/contribution-list.server";
import { CodeTitle } from "./code-title";
import { PersonLink } from "./person-link";

export type ContributionItem = Omit<ContributionView, "fileCount">;

/** Contributions with who made them, their stages and the evidence behind each label. */
export function ContributionList({
  contributions,
  repository,
}: {
  contributions: ContributionItem[];
  repository: string;
}) {
  if (contributions.length === 0) return <p className="muted">No contributions match.</p>;
  return (
    <ol className="contribution-list">
      {contributions.map((c) => (
        <li key={c.id} className="contribution" data-contribution={c.id}>
          <div className="contribution-head">
            <span className="date">{c.occurredAt.slice(0, 10)}</span>{" "}
            <span className="title">
              <CodeTitle title={c.title} />
            </span>{" "}
            {c.pr !== null ? (
              <a href={`https://github.com/${repository}/pull/${c.pr}`} rel="noreferrer">
                #{c.pr}
              </a>
            ) : null}{" "}
            {c.sha ? <code className="sha">{c.sha.slice(0, 10)}</code> : null}
          </div>
          <div className="contribution-meta">
            {c.authors.map((a, i) => (
              <span key={`${a.id}-${a.role}`}>
                {i > 0 ? ", " : ""}
                <PersonLink person={a} />
                {a.role !== "author" ? <span className="muted"> ({a.role})</span> : null}
              </span>
            ))}{" "}
            {c.stages.length > 0 ? (
              c.stages.map((s) => (
                <span key={s.id} className={`stage-tag stage-${s.id}`}>
                  {s.id}
                </span>
              ))
            ) : (
              <span className="stage-tag stage-none">no stage</span>
            )}
          </div>
          {c.evidence.length > 0 ? (
            <details className="evidence">
              <summary>Evidence</summary>
              <ul>
                {c.evidence.map((e, i) => (
                  <li key={i}>
                    <span className="rule">{e.rule}</span> {e.detail}
                    {e.weight > 0 ? <span className="muted"> (+{e.weight.toFixed(2)})</span> : null}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** The "Recent contributions" section closing the stage and person pages. */
export function RecentContributions({
  contributions,
  repository,
}: {
  contributions: ContributionItem[];
  repository: string;
}) {
  return (
    <section aria-labelledby="recent">
      <h2 id="recent">Recent contributions</h2>
      <ContributionList contributions={contributions} repository={repository} />
    </section>
  );
}
