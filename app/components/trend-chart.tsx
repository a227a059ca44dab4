import { useId } from "react";

export interface TrendPoint {
  /** YYYY-MM */
  month: string;
  /** Null where the data does not cover the month ("no data", never drawn as zero). */
  value: number | null;
}

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { top: 8, right: 8, bottom: 20, left: 24 };

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

/**
 * A monthly step chart drawn as inline SVG (no chart library, nothing to load), with the goal as a
 * dashed line. Months without data are a hatched band labelled "no data", with no line through them.
 * The numbers are also in a visually hidden table for screen readers.
 */
export function TrendChart({ points, goal, title }: { points: TrendPoint[]; goal?: number; title: string }) {
  const hatchId = `no-data-${useId().replace(/[^a-zA-Z0-9]/g, "")}`;
  const known = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const max = Math.max(1, (goal ?? 0) + 1, ...known);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = points.length > 1 ? innerW / (points.length - 1) : innerW;
  const x = (i: number) => PAD.left + i * step;
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const path = points
    .map((p, i) => {
      if (p.value === null) return "";
      return i > 0 && points[i - 1]?.value !== null ? `H${x(i)} V${y(p.value)}` : `M${x(i)},${y(p.value)}`;
    })
    .filter(Boolean)
    .join(" ");
  const bands = gaps(points).map(([first, last]) => {
    const left = Math.max(PAD.left, x(first) - step / 2);
    const right = Math.min(WIDTH - PAD.right, x(last) + step / 2);
    return { key: points[first]?.month ?? String(first), left, width: right - left };
  });
  const ticks = Array.from(new Set([0, Math.round(max / 2), max]));
  const labelEvery = Math.max(1, Math.ceil(points.length / 4));
  return (
    <figure className="trend-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <title>{title}</title>
        <defs>
          <pattern id={hatchId} width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line className="hatch" x1={0} y1={0} x2={0} y2={6} />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t} className="tick">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 4} y={y(t) + 3} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {bands.map((band) => (
          <g key={band.key} className="no-data">
            <rect x={band.left} y={PAD.top} width={band.width} height={innerH} fill={`url(#${hatchId})`}>
              <title>No data for these months</title>
            </rect>
            {band.width >= 40 ? (
              <text x={band.left + band.width / 2} y={PAD.top + innerH / 2 + 3} textAnchor="middle">
                no data
              </text>
            ) : null}
          </g>
        ))}
        {goal !== undefined ? (
          <line className="goal" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(goal)} y2={y(goal)}>
            <title>{`Goal: ${goal}`}</title>
          </line>
        ) : null}
        <path className="line" d={path} />
        {points.map((p, i) =>
          p.value === null ? null : (
            <circle key={p.month} className="point" cx={x(i)} cy={y(p.value)} r={2}>
              <title>{`${monthLabel(p.month)}: ${p.value}`}</title>
            </circle>
          ),
        )}
        {points.map((p, i) =>
          i % labelEvery === 0 || i === points.length - 1 ? (
            <text
              key={`label-${p.month}`}
              className="month"
              x={x(i)}
              y={HEIGHT - 4}
              // The first and last labels sit at the plot's edges: anchored inwards, they are not cut off.
              textAnchor={i === 0 ? "start" : i === points.length - 1 ? "end" : "middle"}
            >
              {monthLabel(p.month)}
            </text>
          ) : null,
        )}
      </svg>
      {/* In a wrapper: a table grows to its content whatever its width, and would widen a narrow page. */}
      <div className="visually-hidden">
        <table>
          <caption>{title}</caption>
          <tbody>
            {points.map((p) => (
              <tr key={p.month}>
                <th scope="row">{p.month}</th>
                <td>{p.value ?? "no data"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
