import { z } from "zod";
import type { Database, Executor } from "../../db/database";
import { unionCoverage, type Coverage, type SourceCoverage } from "../stewardship/coverage";

// Each source's coverage is a `meta` row `coverage:<source>` holding JSON `{ from, to, fromStart }` (days,
// YYYY-MM-DD). `from` null means "from the earliest stored contribution": a GitHub sync without
// `--since` reads the whole history, and a run continuing from a cursor stored before coverage was
// recorded cannot tell where its source began.
const PREFIX = "coverage:";

const storedRange = z.object({
  from: z.string().nullable(),
  to: z.string(),
  fromStart: z.boolean().default(false),
});

type StoredRange = z.infer<typeof storedRange>;

function parseRange(value: string): StoredRange | null {
  try {
    const parsed = storedRange.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not JSON: written by hand, ignored rather than breaking every page
  }
}

/**
 * Widens what `source` is recorded to cover by one import run's (or batch's) range, in the caller's
 * transaction so the claim is stored exactly when the data is. A `from` of null claims no start: the
 * stored one is kept (see above for a source with none).
 */
export async function extendCoverage(
  trx: Executor,
  { source, from, to, fromStart }: { source: string; from: string | null; to: string; fromStart: boolean },
): Promise<void> {
  const key = `${PREFIX}${source}`;
  const row = await trx.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
  const stored = row ? parseRange(row.value) : null;
  // A null `from` (the earliest stored contribution) is never later than a date.
  const keepStart = stored !== null && (from === null || stored.from === null || stored.from <= from);
  const range: StoredRange = {
    from: keepStart ? stored.from : from,
    to: stored && stored.to > to ? stored.to : to,
    fromStart: keepStart ? stored.fromStart : fromStart,
  };
  const value = JSON.stringify(range);
  await trx
    .insertInto("meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

/** The first and last day of the stored contributions: two index lookups on `occurred_at` in one query. */
async function getStoredDays(db: Database): Promise<{ first: string; last: string } | null> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("contributions")
        .select((inner) => inner.fn.min("occurredAt").as("first"))
        .as("first"),
      eb
        .selectFrom("contributions")
        .select((inner) => inner.fn.max("occurredAt").as("last"))
        .as("last"),
    ])
    .executeTakeFirst();
  return row?.first && row.last ? { first: row.first.slice(0, 10), last: row.last.slice(0, 10) } : null;
}

/**
 * What the stored data covers: the union over sources, and each source's own range. A database
 * imported before coverage was recorded has no source rows; its coverage is then the first and last day
 * of its contributions (the demo's reaching back to its first day, since the demo is a whole history).
 * Null when nothing is stored.
 */
export async function getCoverage(db: Database): Promise<(Coverage & { sources: SourceCoverage[] }) | null> {
  const rows = await db
    .selectFrom("meta")
    .select(["key", "value"])
    .where((eb) => eb.or([eb("key", "like", `${PREFIX}%`), eb("key", "=", "demo")]))
    .execute();
  const ranges = rows.flatMap((row) => {
    const range = row.key.startsWith(PREFIX) ? parseRange(row.value) : null;
    return range ? [{ source: row.key.slice(PREFIX.length), ...range }] : [];
  });
  const needsStoredDays = ranges.length === 0 || ranges.some((r) => r.from === null);
  const days = needsStoredDays ? await getStoredDays(db) : null;
  if (ranges.length === 0) {
    if (!days) return null;
    const demo = rows.some((row) => row.key === "demo" && row.value === "true");
    const range = { from: days.first, to: days.last, fromStart: demo };
    return { ...range, sources: [{ source: "stored contributions", ...range }] };
  }
  const sources = ranges.flatMap(({ source, from, to, fromStart }) => {
    const first = from ?? days?.first;
    return first ? [{ source, from: first, to, fromStart }] : [];
  });
  const union = unionCoverage(sources);
  return union ? { ...union, sources } : null;
}
