import { CompiledQuery, sql, type Insertable } from "kysely";
import type { Executor } from "../../db/database";
import type { DB } from "../../db/schema";
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

/**
 * Inserts many rows in as few statements as the parameter limit allows, without building a query tree
 * per row (Kysely's insert builder costs more than SQLite's own work at tens of thousands of rows). The
 * placeholders follow the dialect (`?` or `$n`), asked once of the database's own compiler; columns are
 * named in camelCase as everywhere else and written snake_case as the CamelCasePlugin does. Returns the
 * `returning` column of each row in insertion order, or nothing.
 *
 * On SQLite, rows of text, whole numbers and nulls go as one JSON parameter that SQLite unpacks itself
 * (`json_each`): node-sqlite3 converts every bound value on the main thread, about a microsecond each,
 * which was most of a git import's time in JavaScript. Rows holding anything else (a fractional number,
 * which SQLite's JSON reader may round differently from a bound double; text with an unpaired surrogate,
 * which it would store differently) are bound value by value, so what is stored is the same either way.
 */
export async function insertRows<T extends keyof DB>(
  db: Executor,
  table: T,
  columns: ReadonlyArray<keyof Insertable<DB[T]> & string>,
  rows: ReadonlyArray<Insertable<DB[T]>>,
  { returning }: { returning?: "id" } = {},
): Promise<number[]> {
  const ids: number[] = [];
  if (rows.length === 0) return ids;
  const numbered = placeholderStyle(db) === "numbered";
  const into = `insert into ${quote(table)} (${columns.map(quote).join(", ")}) `;
  const tail = returning ? ` returning ${quote(returning)}` : "";
  const fromJson = `select ${columns.map((_, i) => `value ->> ${i}`).join(", ")} from json_each(?)`;
  for (const part of chunk([...rows], columns.length)) {
    const json = numbered ? null : asJsonRows(part, columns);
    const query =
      json !== null
        ? CompiledQuery.raw(`${into}${fromJson}${tail}`, [json])
        : withPlaceholders(part, columns, { numbered, head: `${into}values `, tail });
    const result = await db.executeQuery<{ id: number }>(query);
    if (returning) for (const row of result.rows) ids.push(Number(row.id));
  }
  return ids;
}

/** `head (?, ?), (?, ?) tail` (or `$1`…), with the rows' values in order. */
function withPlaceholders(
  rows: ReadonlyArray<object>,
  columns: ReadonlyArray<string>,
  { numbered, head, tail }: { numbered: boolean; head: string; tail: string },
): CompiledQuery {
  const parameters: unknown[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const marks: string[] = [];
    for (const column of columns) {
      const value = (row as Record<string, unknown>)[column];
      parameters.push(value === undefined ? null : value);
      marks.push(numbered ? `$${parameters.length}` : "?");
    }
    tuples.push(`(${marks.join(", ")})`);
  }
  return CompiledQuery.raw(head + tuples.join(", ") + tail, parameters);
}

// JSON.stringify writes an unpaired surrogate as \udXXX (and nothing else as \ud8-\udf); a backslash in
// the text itself is doubled, so this can only err towards binding.
const unpairedSurrogate = /\\u[dD][89a-fA-F]/;

/** The rows as a JSON array of arrays, or null when a value is not text, a safe integer or null. */
function asJsonRows(rows: ReadonlyArray<object>, columns: ReadonlyArray<string>): string | null {
  const packed: unknown[][] = [];
  for (const row of rows) {
    const values: unknown[] = [];
    for (const column of columns) {
      const value = (row as Record<string, unknown>)[column] ?? null;
      if (value !== null && typeof value !== "string" && !Number.isSafeInteger(value)) return null;
      values.push(value);
    }
    packed.push(values);
  }
  const json = JSON.stringify(packed);
  return unpairedSurrogate.test(json) ? null : json;
}

const placeholderStyles = new WeakMap<object, "anonymous" | "numbered">();

/** `?` (SQLite) or `$1` (PostgreSQL), as the database's compiler writes a parameter. */
function placeholderStyle(db: Executor): "anonymous" | "numbered" {
  const executor = db.getExecutor().adapter;
  let style = placeholderStyles.get(executor);
  if (!style) {
    style = sql`${1}`.compile(db).sql === "?" ? "anonymous" : "numbered";
    placeholderStyles.set(executor, style);
  }
  return style;
}

/** A camelCase table or column name as stored (snake_case), quoted as both SQLite and PostgreSQL accept. */
function quote(name: string): string {
  return `"${name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}"`;
}
