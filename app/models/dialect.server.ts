import { sql, type Expression, type RawBuilder } from "kysely";
import { dialectOf, type Executor } from "../../db/database";

// The few SQL spellings that differ between SQLite and PostgreSQL, chosen by the database a query runs
// on. Each gives the same JavaScript value on both: text stays text, numbers numbers.

type Sql = Expression<unknown>;

const postgres = (db: Executor) => dialectOf(db) === "postgres";

/**
 * Rows packed into one JSON array of arrays, as text (`[]` when there are none): SQLite's
 * `json_group_array(json_array(…))`, PostgreSQL's `json_agg(json_build_array(…))`. For queries that
 * return many small rows, which node-sqlite3 builds slowly one by one.
 */
export function jsonRows(db: Executor, values: Sql[]): RawBuilder<string> {
  const list = sql.join(values);
  return postgres(db)
    ? sql<string>`coalesce(json_agg(json_build_array(${list}))::text, '[]')`
    : sql<string>`json_group_array(json_array(${list}))`;
}

/**
 * The values joined by spaces, the rows by commas, as one text (null when no row has all its values):
 * SQLite's `group_concat(a || ' ' || b)`, PostgreSQL's `string_agg(a::text || ' ' || b::text, ',')`.
 * A row with a null value is left out on both.
 */
export function packedRows(db: Executor, values: Sql[]): RawBuilder<string> {
  if (postgres(db)) {
    const text = sql.join(
      values.map((value) => sql`${value}::text`),
      sql` || ' ' || `,
    );
    return sql<string>`string_agg(${text}, ',')`;
  }
  return sql<string>`group_concat(${sql.join(values, sql` || ' ' || `)})`;
}

/**
 * Reads packedRows' text of numbers (`1 20340 1.0 77,2 20341 0.5 78`, null for none), calling `row` with
 * each row's values in order (the same array, refilled: copy what is kept). Digits are read as they come:
 * splitting hundreds of thousands of rows into strings would cost more than the query. Values with a
 * sign or an exponent (which Steward's ids, days and weights never have) are read by Number().
 */
export function forEachPackedRow(text: string | null, width: number, row: (values: number[]) => void): void {
  if (!text) return;
  const values: number[] = new Array<number>(width).fill(0);
  let field = 0;
  let start = 0;
  // Every digit of the value, and the power of ten its decimal point divides by.
  let digits = 0;
  let scale = 1;
  let inFraction = false;
  let plain = true;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 44;
    if (code >= 48 && code <= 57) {
      digits = digits * 10 + (code - 48);
      if (inFraction) scale *= 10;
    } else if (code === 46 && !inFraction) inFraction = true;
    else if (code === 32 || code === 44) {
      // Two exact doubles divide to the double nearest the decimal, which is what Number() reads.
      values[field] = plain && digits <= Number.MAX_SAFE_INTEGER ? digits / scale : Number(text.slice(start, i));
      field += 1;
      if (code === 44) {
        row(values);
        field = 0;
      }
      start = i + 1;
      digits = 0;
      scale = 1;
      inFraction = false;
      plain = true;
    } else plain = false;
  }
}

/**
 * The larger of two values: SQLite's two-argument `max`, PostgreSQL's `greatest`. When one is null
 * they differ (SQLite's is null, PostgreSQL's the other value): wrap it in a coalesce where it can be.
 */
export function larger<T>(db: Executor, a: Expression<T>, b: Expression<T>): RawBuilder<T> {
  return postgres(db) ? sql<T>`greatest(${a}, ${b})` : sql<T>`max(${a}, ${b})`;
}

/**
 * `value LIKE pattern ESCAPE '\'`, case-insensitive at least for ASCII: SQLite's LIKE is, PostgreSQL's
 * needs ILIKE (which folds other letters too, by the server's locale).
 */
export function likeIgnoringCase(db: Executor, value: Sql, pattern: string): RawBuilder<boolean> {
  return postgres(db)
    ? sql<boolean>`${value} ilike ${pattern} escape '\\'`
    : sql<boolean>`${value} like ${pattern} escape '\\'`;
}

/** A condition as 1 or 0 (SQLite's own booleans; PostgreSQL's would come back as true/false). */
export function asInteger(condition: Expression<unknown>): RawBuilder<number> {
  return sql<number>`case when ${condition} then 1 else 0 end`;
}
