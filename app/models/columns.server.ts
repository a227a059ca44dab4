import type { Evidence } from "../stewardship/classify";

// How Steward's models store what SQLite has no column type for, and how they stay under its limits.

/** A list of numbers or strings (a contribution's refs, labels) as it is stored: a JSON array. */
export function toJsonArray(values: ReadonlyArray<number | string>): string {
  return JSON.stringify(values);
}

/** The numbers of a stored JSON array; anything else in it is dropped. */
export function parseNumbers(json: string): number[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

/** The strings of a stored JSON array; anything else in it is dropped. */
export function parseStrings(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A classification's stored evidence; entries of another shape (or none stored) yield nothing. */
export function parseEvidence(json: string | null): Evidence[] {
  if (!json) return [];
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter(isEvidence) : [];
}

function isEvidence(value: unknown): value is Evidence {
  return typeof value === "object" && value !== null && "rule" in value && "detail" in value;
}

// SQLite allows 32,766 bound parameters per statement; stay well under it.
const MAX_PARAMS = 30_000;

/** Splits rows into batches that each bind fewer parameters than SQLite allows, at `columns` per row. */
export function chunk<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

// Map.groupBy arrives in Node 21; Steward runs on Node 20.
export function groupByContribution<T extends { contributionId: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.contributionId);
    if (group) group.push(row);
    else groups.set(row.contributionId, [row]);
  }
  return groups;
}
