import type { Database } from "../db/database";
import { getDataVersion, getReadDb } from "./db.server";

/**
 * A cache of reports computed once per data version (getDataVersion in models/meta.server.ts: SQLite's
 * data_version, PostgreSQL's trigger-bumped counter): it changes with every commit by any
 * connection or process (an import running beside the server, a steward's write), and then every cached
 * report is dropped. The most recently used `capacity` reports are kept; concurrent identical requests
 * share one computation; a failed one (a timeout) is not kept. Callers must not modify what they get.
 * Kept per read pool, so reopening the database (another DATABASE_URL in tests) starts afresh.
 */
export function createDataVersionCache<T>({ capacity }: { capacity: number }) {
  const caches = new WeakMap<Database, { dataVersion: number; entries: Map<string, Promise<T>> }>();
  let computed = 0;
  return {
    /** The report for `key` (any JSON-able parts), computed by `compute` on the read pool when not kept. */
    async get(key: unknown[], compute: (db: Database) => Promise<T>): Promise<T> {
      const [db, dataVersion] = await Promise.all([getReadDb(), getDataVersion()]);
      let cache = caches.get(db);
      if (!cache || cache.dataVersion !== dataVersion) {
        cache = { dataVersion, entries: new Map() };
        caches.set(db, cache);
      }
      const { entries } = cache;
      const id = JSON.stringify(key);
      const cached = entries.get(id);
      if (cached) {
        // Insertion order is recency: a hit moves its entry to the end, the first entry goes first.
        entries.delete(id);
        entries.set(id, cached);
        return cached;
      }
      computed += 1;
      const report = compute(db);
      entries.set(id, report);
      report.catch(() => {
        if (entries.get(id) === report) entries.delete(id);
      });
      for (const oldest of entries.keys()) {
        if (entries.size <= capacity) break;
        entries.delete(oldest);
      }
      return report;
    },
    /** How many reports have been computed rather than served from the cache: for tests. */
    computedCount: () => computed,
  };
}
