import type { CSSProperties } from "react";

export interface TrendPoint {
  /** YYYY-MM */
  month: string;
  /** Null where the data does not cover the month ("no data", never drawn as zero). */
  value: number | null;
}

/** Who started and who stopped counting in a month (see `TrendChange` in the bus-factor report). */
export interface TrendMarker {
  month: string;
  joined: string[];
  lapsed: string[];
}

const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function monthLabel(month: string): string {
  const [year, m] = month.split("-");
  return `${monthNames[Number(m) - 1] ?? m} ${year?.slice(2)}`;
}

/** Runs of consecutive months without data, as [first index, last index]. */
function gaps(points: TrendPoint[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  points.forEach((p, i) => {
    if (p.value !== null) return;
    const last = runs.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

/** Whole-number ticks from 0 to the top, every one while they fit, else every second, fifth… */
function describeChange(change: TrendMarker): string {
  return [
    change.joined.length > 0 ? `joined: ${change.joined.join(", ")}` : "",
    change.lapsed.length > 0 ? `lapsed: ${change.lapsed.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

function yTicks(max: number): number[] {
  const step = [1, 2, 5, 10, 20, 50, 100].find((s) => max / s <= 6) ?? Math.ceil(max / 6);
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: top / step + 1 }, (_, k) => k * step);
}

/**
 * A monthly step chart. The marks are an SVG stretched to the plot (`preserveAspectRatio="none"`,
 * strokes that do not scale), while every piece of text is HTML placed by percentages: text keeps the
 * page's size at any width instead of shrinking with a viewBox. Each month with data is a focusable dot
 * whose value shows on hover and focus. Months without data are a hatched band labelled "no data", with
 * no line through them. The numbers are also in a visually hidden table for screen readers.
 */
export function TrendChart({
  points,
  goal,
  title,
  yLabel = "Active maintainers",
  goalLabel = "goal",
  lineLabel,
  compact = false,
  changes = [],
}: {
  points: TrendPoint[];
  goal?: number;
  /** What the dashed line is called in the legend: the stage's goal, or the rule's minimum credit. */
  goalLabel?: string;
  /** What the line is called in the legend; "<yLabel> per month" unless told. */
  lineLabel?: string;
  /** A small chart, such as one per mentoring plan. */
  compact?: boolean;
  title: string;
  yLabel?: string;
  /** Marked on the months where they happened, and listed under the chart; only between months with data. */
  changes?: TrendMarker[];
}) {
  const known = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const ticks = yTicks(Math.max(1, (goal ?? 0) + 1, ...known));
  const top = ticks.at(-1) ?? 1;
  const last = points.length - 1;
  // Percentages of the plot: x from the first month to the last, y from the top tick down to 0.
  const x = (i: number) => (last > 0 ? (100 * i) / last : 50);
  const y = (v: number) => 100 - (100 * v) / top;
  const half = last > 0 ? 50 / last : 50;
  const path = points
    .map((p, i) => {
      if (p.value === null) return "";
      return i > 0 && points[i - 1]?.value !== null ? `H${x(i)} V${y(p.value)}` : `M${x(i)},${y(p.value)}`;
    })
    .filter(Boolean)
    .join(" ");
  const bands = gaps(points).map(([first, end]) => {
    const left = Math.max(0, x(first) - half);
    const right = Math.min(100, x(end) + half);
    return { key: points[first]?.month ?? String(first), left, width: right - left };
  });
  const changeOf = new Map(
    changes
      .filter((c) => {
        const i = points.findIndex((p) => p.month === c.month);
        return i > 0 && points[i]?.value != null && points[i - 1]?.value != null;
      })
      .map((c) => [c.month, c]),
  );
  const labelEvery = Math.max(1, Math.ceil(points.length / 4));
  const latestIndex = points.findLastIndex((p) => p.value !== null);
  const latest = points[latestIndex];
  const at = (left: number, topPct?: number): CSSProperties =>
    topPct === undefined ? { left: `${left}%` } : { left: `${left}%`, top: `${topPct}%` };
  return (
    <figure className={compact ? "trend-chart compact" : "trend-chart"}>
      <div className="chart-frame" role="group" aria-label={title}>
        <span className="y-label" aria-hidden="true">
          {yLabel}
        </span>
        <div className="plot">
          <svg viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true" focusable="false">
            {ticks.map((t) => (
              <line key={t} className="tick" x1={0} x2={100} y1={y(t)} y2={y(t)} vectorEffect="non-scaling-stroke" />
            ))}
            {goal !== undefined ? (
              <line className="goal" x1={0} x2={100} y1={y(goal)} y2={y(goal)} vectorEffect="non-scaling-stroke" />
            ) : null}
            <path className="line" d={path} vectorEffect="non-scaling-stroke" />
          </svg>
          {bands.map((band) => (
            <div
              key={band.key}
              className="no-data"
              style={{ left: `${band.left}%`, width: `${band.width}%` }}
              title="No data for these months"
            >
              {band.width >= 15 ? <span>no data</span> : null}
            </div>
          ))}
          {ticks.map((t) => (
            <span key={t} className="y-tick" style={at(0, y(t))} aria-hidden="true">
              {t}
            </span>
          ))}
          {points.map((p, i) =>
            p.value === null ? null : (
              <PointMark
                key={p.month}
                style={at(x(i), y(p.value))}
                text={`${monthLabel(p.month)}: ${p.value}`}
                change={changeOf.get(p.month)}
              />
            ),
          )}
          {latest?.value != null ? (
            <span className="latest" style={at(x(latestIndex), y(latest.value))} aria-hidden="true">
              {latest.value}
            </span>
          ) : null}
          {points.map((p, i) =>
            // Counted back from the newest month, so the labels never crowd the last one.
            (last - i) % labelEvery === 0 ? (
              <span
                key={`label-${p.month}`}
                // The first label sits at the plot's left edge, anchored inwards; the last is centred, the
                // plot's right margin leaves it room.
                className={`month${i === last ? " last" : i === 0 ? " first" : ""}`}
                style={at(x(i))}
                aria-hidden="true"
              >
                {monthLabel(p.month)}
              </span>
            ) : null,
          )}
        </div>
      </div>
      <figcaption className="chart-legend">
        <span className="legend-line">{lineLabel ?? `${yLabel} per month`}</span>
        {goal !== undefined ? (
          <span className="legend-goal">
            {goalLabel}: {goal}
          </span>
        ) : null}
        {bands.length > 0 ? <span className="legend-no-data">no data</span> : null}
        {changeOf.size > 0 ? <span className="legend-change">who joined or lapsed</span> : null}
      </figcaption>
      {changeOf.size > 0 ? (
        <ul className="trend-changes">
          {[...changeOf.values()].map((c) => (
            <li key={c.month}>
              <span className="date">{monthLabel(c.month)}</span> {describeChange(c)}
            </li>
          ))}
        </ul>
      ) : null}
      {/* In a wrapper: a table grows to its content whatever its width, and would widen a narrow page. */}
      <div className="visually-hidden">
        <table>
          <caption>{title}</caption>
          <tbody>
            {points.map((p) => (
              <tr key={p.month}>
                <th scope="row">{p.month}</th>
                <td>{p.value ?? "no data"}</td>
                {changeOf.size > 0 ? (
                  <td>{describeChange(changeOf.get(p.month) ?? { ...p, joined: [], lapsed: [] })}</td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/** A month's dot: focusable, its value (and who joined or lapsed) shown on hover and focus. */
function PointMark({ style, text, change }: { style: CSSProperties; text: string; change?: TrendMarker }) {
  const full = change ? `${text}; ${describeChange(change)}` : text;
  return (
    <span
      className={change ? "point changed" : "point"}
      style={style}
      tabIndex={0}
      role="img"
      aria-label={full}
      title={full}
      data-value={full}
    />
  );
}
