import { Link } from "@remix-run/react";
import { useWindowLink } from "./window-form";

export interface Bar {
  label: string;
  value: number;
  href?: string;
}

/** A bar for a person, linking to their page; labelled with their name unless told otherwise. */
export function personBar(person: { id: number; name: string }, value: number, label = person.name): Bar {
  return { label, value, href: `/people/${person.id}` };
}

/**
 * A ranked list drawn as horizontal bars, so a distribution can be seen at a glance. Links keep the window
 * settings. `unit` ("days left", "credit") follows each number, so two lists side by side are not confused.
 */
export function BarList({ items, max, unit }: { items: Bar[]; max?: number; unit?: string }) {
  const windowLink = useWindowLink();
  const top = Math.max(max ?? 0, ...items.map((i) => i.value), 1);
  return (
    <ol className="bar-list">
      {items.map((item) => (
        <li key={`${item.href ?? ""} ${item.label}`}>
          <span className="bar-label">
            {item.href ? <Link to={windowLink(item.href)}>{item.label}</Link> : item.label}
          </span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar-fill" style={{ width: `${(100 * item.value) / top}%` }} />
          </span>
          <span className="bar-value">
            {Number.isInteger(item.value) ? item.value : item.value.toFixed(1)}
            {unit ? <span className="bar-unit"> {unit}</span> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}
