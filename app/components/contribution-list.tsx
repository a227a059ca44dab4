import { Form, useLocation } from "@remix-run/react";
import type { ContributionView } from "../models/contribution-list.server";
import { MAX_CORRECTION_REASON } from "../stewardship/corrections";
import { CodeTitle } from "./code-title";
import { PersonLink } from "./person-link";

export type ContributionItem = Omit<ContributionView, "fileCount">;

/** What a steward needs to correct stages from a list: this session's form token and the stages. */
export interface StageCorrector {
  csrf: string;
  stages: Array<{ id: string; name: string }>;
}

/**
 * Contributions with who made them, their stages and the evidence behind each label; for a steward
 * (`corrector`), the forms that correct a contribution's stages or undo a correction.
 */
export function ContributionList({
  contributions,
  repository,
  corrector = null,
}: {
  contributions: ContributionItem[];
  repository: string;
  corrector?: StageCorrector | null;
}) {
  const location = useLocation();
  if (contributions.length === 0) return <p className="muted">No contributions match.</p>;
  const returnTo = `${location.pathname}${location.search}`;
  return (
    <ol className="contribution-list">
      {contributions.map((c) => (
        <li key={c.id} id={`contribution-${c.id}`} className="contribution" data-contribution={c.id}>
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
          {c.correction ? (
            <div className="correction-note" data-correction={c.correction.id}>
              Stages {c.correction.note}
              {corrector ? (
                <Form method="post" action="/corrections" className="inline-form">
                  <input type="hidden" name="csrf" value={corrector.csrf} />
                  <input type="hidden" name="intent" value="undo" />
                  <input type="hidden" name="correction" value={c.correction.id} />
                  <input type="hidden" name="returnTo" value={returnTo} />{" "}
                  <button type="submit">Undo correction</button>
                </Form>
              ) : null}
            </div>
          ) : null}
          {c.evidence.some((e) => e.rule !== "correction") ? (
            <details className="evidence">
              <summary>Evidence</summary>
              <ul>
                {/* A correction's lines are the note above. */}
                {c.evidence
                  .filter((e) => e.rule !== "correction")
                  .map((e, i) => (
                    <li key={i}>
                      <span className="rule">{e.rule}</span> {e.detail}
                      {e.weight > 0 ? <span className="muted"> (+{e.weight.toFixed(2)})</span> : null}
                    </li>
                  ))}
              </ul>
            </details>
          ) : null}
          {corrector ? (
            // Keyed by the verdict, so a written correction folds the form and its boxes show the new stages.
            <CorrectionForm
              key={`${c.correction?.id ?? "classifier"}:${c.stages.map((s) => s.id).join(",")}`}
              contribution={c}
              corrector={corrector}
              returnTo={returnTo}
            />
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** A steward's form setting a contribution's stages by hand, folded away until opened. */
function CorrectionForm({
  contribution,
  corrector,
  returnTo,
}: {
  contribution: ContributionItem;
  corrector: StageCorrector;
  returnTo: string;
}) {
  const current = new Set(contribution.stages.map((s) => s.id));
  return (
    <details className="correction">
      <summary>Correct stages</summary>
      <Form method="post" action="/corrections" className="correction-form">
        <input type="hidden" name="csrf" value={corrector.csrf} />
        <input type="hidden" name="intent" value="set" />
        <input type="hidden" name="contribution" value={contribution.id} />
        <input type="hidden" name="returnTo" value={returnTo} />
        <fieldset>
          <legend>Stages (none for &ldquo;no stage&rdquo;)</legend>
          {corrector.stages.map((s) => (
            <label key={s.id}>
              <input type="checkbox" name="stage" value={s.id} defaultChecked={current.has(s.id)} /> {s.name}
            </label>
          ))}
        </fieldset>
        <label>
          Reason <input name="reason" required maxLength={MAX_CORRECTION_REASON} />
        </label>
        <button type="submit">Correct stages</button>
      </Form>
    </details>
  );
}

/** The "Recent contributions" section closing the stage and person pages. */
export function RecentContributions({
  contributions,
  repository,
  corrector = null,
}: {
  contributions: ContributionItem[];
  repository: string;
  corrector?: StageCorrector | null;
}) {
  return (
    <section aria-labelledby="recent">
      <h2 id="recent">Recent contributions</h2>
      <ContributionList contributions={contributions} repository={repository} corrector={corrector} />
    </section>
  );
}
