/** One day, in milliseconds. */
export const DAY_MS = 86_400_000;

/**
 * An instant as Steward stores and compares it: ISO-8601 UTC to the second, `2026-03-17T10:04:00Z`.
 * Stored this way, timestamps sort and compare as text in SQLite and PostgreSQL alike, and GitHub's own
 * timestamps (which carry no milliseconds) compare equal to ours.
 */
export function isoSeconds(instant: Date | number | string): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}
