export interface TrendPoint {
  /** YYYY-MM */
  month: string;
  value: number;
}

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { top: 8, right: 8, bottom: 20, left: 24 };

const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function monthLabel(month: string): string {
  const [year, m] = month.split("-");
  return `${monthNames[Number(m) - 1] ?? m} ${year?.slice(2)}`;
}

/**
 * A monthly step chart drawn as inline SVG (no chart library, nothing to load), with the goal as a
 * dashed line. The numbers are also in a visually hidden table for screen readers.
 */
export function TrendChart({ points, goal, title }: { points: TrendPoint[]; goal?: number; title: string }) {
  const max = Math.max(1, (goal ?? 0) + 1, ...points.map((p) => p.value));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = points.length > 1 ? innerW / (points.length - 1) : innerW;
  const x = (i: number) => PAD.left + i * step;
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const path = points.map((p, i) => (i === 0 ? `M${x(i)},${y(p.value)}` : `H${x(i)} V${y(p.value)}`)).join(" ");
  const ticks = Array.from(new Set([0, Math.round(max / 2), max]));
  const labelEvery = Math.max(1, Math.ceil(points.length / 4));
  return (
    <figure className="trend-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <title>{title}</title>
        {ticks.map((t) => (
          <g key={t} className="tick">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 4} y={y(t) + 3} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {goal !== undefined ? (
          <line className="goal" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(goal)} y2={y(goal)}>
            <title>{`Goal: ${goal}`}</title>
          </line>
        ) : null}
        <path className="line" d={path} />
        {points.map((p, i) => (
          <circle key={p.month} className="point" cx={x(i)} cy={y(p.value)} r={2}>
            <title>{`${monthLabel(p.month)}: ${p.value}`}</title>
          </circle>
        ))}
        {points.map((p, i) =>
          i % labelEvery === 0 || i === points.length - 1 ? (
            <text key={`label-${p.month}`} className="month" x={x(i)} y={HEIGHT - 4} textAnchor="middle">
              {monthLabel(p.month)}
            </text>
          ) : null,
        )}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {points.map((p) => (
            <tr key={p.month}>
              <th scope="row">{p.month}</th>
              <td>{p.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
