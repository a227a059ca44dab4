import type { CoverageView } from "../stewardship/coverage";

/** Text with its dates kept whole: a narrow screen would otherwise break `2024-01-01` at a hyphen. */
export function WithWholeDates({ text }: { text: string }) {
  return (
    <>
      {text.split(/(\d{4}-\d{2}-\d{2})/).map((part, i) =>
        i % 2 === 1 ? (
          <span key={i} className="nowrap">
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

/** How far the data reaches, and any caution about the day the numbers are measured on. */
export function CoverageNote({ coverage }: { coverage: CoverageView }) {
  return (
    <div className="coverage" data-testid="coverage">
      <p className="coverage-range muted">
        <WithWholeDates text={coverage.text} />
      </p>
      {coverage.notes.map((note) => (
        <p key={note} className="coverage-note" role="note">
          <WithWholeDates text={note} />
        </p>
      ))}
    </div>
  );
}
