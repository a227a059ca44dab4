import { Link } from "@remix-run/react";

/** "and N more", linking to where the rest of a capped list can be read; nothing when none was left out. */
export function AndMore({ count, to, noun }: { count: number; to?: string; noun?: string }) {
  if (count <= 0) return null;
  const text = `and ${count} more${noun ? ` ${noun}` : ""}`;
  return <span className="and-more muted">{to ? <Link to={to}>{text}</Link> : text}</span>;
}
