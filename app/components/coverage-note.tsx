import type { CoverageView } from "../stewardship/coverage";

/** How far the data reaches, and any caution about the day the numbers are measured on. */
export function CoverageNote({ coverage }: { coverage: CoverageView }) {
  return (
    <div className="coverage" data-testid="coverage">
      <p className="coverage-range muted">{coverage.text}</p>
      {coverage.notes.map((note) => (
        <p key={note} className="coverage-note" role="note">
          {note}
        </p>
      ))}
    </div>
  );
}
