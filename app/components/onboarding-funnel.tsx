import type { Cohort, FunnelReport, PullRequestWaits } from "../stewardship/onboarding";
import { BarList } from "./bar-list";

/** The cohort chart shows at most this many quarters, the latest; the list below it and the API have all. */
const CHART_QUARTERS = 12;

function days(value: number | null): string {
  return value === null ? "–" : `${value} day${value === 1 ? "" : "s"}`;
}

/** The funnel's steps as bars: arrived, new to the project too, returned, became maintainers. */
export function FunnelBars({ report, returnWindowDays }: { report: FunnelReport; returnWindowDays: number }) {
  const { steps } = report;
  return (
    <>
      <BarList
        unit="people"
        items={[
          { label: "Arrived (first contribution)", value: steps.arrived },
          { label: "… new to the project too", value: steps.newToProject },
          { label: `Returned within ${returnWindowDays} days`, value: steps.returned },
          { label: "Became maintainers", value: steps.maintainers },
        ]}
      />
      <p className="muted small funnel-medians">
        Median {days(report.medianDaysToSecond)} from the first contribution to the second, and{" "}
        {days(report.medianDaysToMaintainer)} to meeting the maintainer rule.
        {steps.pending > 0
          ? ` ${steps.pending} arrived less than ${returnWindowDays} days ago and may still return.`
          : null}
      </p>
    </>
  );
}

function describeWaits(waits: PullRequestWaits): string {
  if (waits.count === 0) return "none known";
  const review =
    waits.reviewed === 0
      ? "no review stored"
      : `first review after ${days(waits.medianDaysToFirstReview)} (median of ${waits.reviewed})`;
  const merge =
    waits.merged === 0 ? "none merged" : `merged after ${days(waits.medianDaysToMerge)} (median of ${waits.merged})`;
  return `${waits.count} PR${waits.count === 1 ? "" : "s"}: ${review}, ${merge}`;
}

/** How long PRs waited, newcomers' (their arrival PR) beside everyone's. */
export function PullRequestWaitsText({ waits }: { waits: FunnelReport["pullRequests"] }) {
  return (
    <ul className="pr-waits">
      <li>
        <strong>Newcomers&apos; first PRs</strong>: {describeWaits(waits.newcomers)}.
      </li>
      <li>
        <strong>Everyone&apos;s PRs</strong>: {describeWaits(waits.everyone)}.
      </li>
    </ul>
  );
}

function nextQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}

/** The cohorts with a zero row for each quarter between them that saw no arrival and no PR. */
function fillQuarters(cohorts: Cohort[]): Array<Pick<Cohort, "quarter" | "arrived" | "returned" | "maintainers">> {
  const rows: Array<Pick<Cohort, "quarter" | "arrived" | "returned" | "maintainers">> = [];
  for (const cohort of cohorts) {
    const last = rows.at(-1);
    for (let q = last ? nextQuarter(last.quarter) : cohort.quarter; q < cohort.quarter; q = nextQuarter(q))
      rows.push({ quarter: q, arrived: 0, returned: 0, maintainers: 0 });
    rows.push(cohort);
  }
  return rows;
}

function quarterLabel(quarter: string): string {
  return `${quarter.slice(5)} ${quarter.slice(2, 4)}`;
}

/**
 * Per quarter of arrival, three columns: arrived, returned, became maintainers. Drawn with boxes whose
 * heights are inline styles (the page's CSP allows those); the numbers are in the label and the list.
 */
export function CohortChart({ cohorts, title }: { cohorts: Cohort[]; title: string }) {
  // Every quarter from the first arrival on, empty ones too, so the time axis is even.
  const first = cohorts.findIndex((c) => c.arrived > 0);
  if (first < 0) return <p className="muted">Nobody arrived yet.</p>;
  const all = fillQuarters(cohorts.slice(first));
  const shown = all.slice(-CHART_QUARTERS);
  const top = Math.max(1, ...shown.map((c) => c.arrived));
  const summary = shown
    .map((c) => `${c.quarter}: ${c.arrived} arrived, ${c.returned} returned, ${c.maintainers} became maintainers`)
    .join("; ");
  const bar = (kind: string, value: number) => (
    <span className={`cohort-bar cohort-${kind}`} style={{ height: `${(100 * value) / top}%` }} />
  );
  return (
    <figure className="cohort-chart">
      <div className="cohort-plot" role="img" aria-label={`${title}. ${summary}`}>
        {shown.map((c) => (
          <div key={c.quarter} className="cohort-group">
            <span className="cohort-count">{c.arrived}</span>
            <div className="cohort-bars">
              {bar("arrived", c.arrived)}
              {bar("returned", c.returned)}
              {bar("maintainer", c.maintainers)}
            </div>
            <span className="cohort-quarter">{quarterLabel(c.quarter)}</span>
          </div>
        ))}
      </div>
      <figcaption className="cohort-legend">
        <span>
          <span className="swatch cohort-arrived" /> arrived
        </span>
        <span>
          <span className="swatch cohort-returned" /> returned
        </span>
        <span>
          <span className="swatch cohort-maintainer" /> became maintainers
        </span>
        {all.length > shown.length ? <span className="muted">(the latest {shown.length} quarters)</span> : null}
      </figcaption>
    </figure>
  );
}

/** Each cohort in words, newest first: what the chart draws, with the medians and PR waits. */
export function CohortList({ cohorts }: { cohorts: Cohort[] }) {
  const rows = [...cohorts].reverse();
  return (
    <ol className="cohort-list">
      {rows.map((c) => (
        <li key={c.quarter}>
          <strong>{c.quarter}</strong>:{" "}
          {c.arrived === 0
            ? "nobody arrived"
            : `${c.arrived} arrived (${c.newToProject} new to the project), ${c.returned} returned${c.pending > 0 ? ` (${c.pending} may still)` : ""}, ${c.maintainers} became maintainers`}
          {c.medianDaysToSecond !== null ? ` · second contribution after ${days(c.medianDaysToSecond)}` : ""}
          {c.medianDaysToMaintainer !== null ? ` · maintainer after ${days(c.medianDaysToMaintainer)}` : ""}
          {c.pullRequests.everyone.count > 0 ? (
            <span className="muted">
              {" "}
              · PRs opened: newcomers&apos; {describeWaits(c.pullRequests.newcomers)}; everyone&apos;s{" "}
              {describeWaits(c.pullRequests.everyone)}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
