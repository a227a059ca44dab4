import type { Database } from "../db/database";
import { getDataVersion, getReadDb } from "./db.server";
import { getBusFactorReport, type BusFactorQuery, type BusFactorReport } from "./models/bus-factor.server";
import type { CompiledConfig } from "./stewardship/config";

/** Reports kept per database: the dashboard, the API and each stage page at a few windows. */
const capacity = 32;

interface ReportCache {
  dataVersion: number;
  /** Insertion order is recency: a hit moves its entry to the end, the first entry goes first. */
  reports: Map<string, Promise<BusFactorReport>>;
}

// Keyed by the read pool, so reopening the database (another DATABASE_URL in tests) starts afresh.
const caches = new WeakMap<Database, ReportCache>();
let computed = 0;

/**
 * The bus-factor report for `query`, computed once per data version (getDataVersion in
 * models/meta.server.ts: SQLite's data_version, PostgreSQL's trigger-bumped counter), which changes
 * with every commit by any connection, process or app instance (an import running beside the server),
 * and then every cached report is dropped. Concurrent identical requests share one computation; a failed one
 * (a timeout) is not kept. Callers must not modify the report they get.
 */
export async function getCachedBusFactorReport(
  query: BusFactorQuery & { config: CompiledConfig; stageId?: string },
): Promise<BusFactorReport> {
  const [db, dataVersion] = await Promise.all([getReadDb(), getDataVersion()]);
  let cache = caches.get(db);
  if (!cache || cache.dataVersion !== dataVersion) {
    cache = { dataVersion, reports: new Map() };
    caches.set(db, cache);
  }
  const { reports } = cache;
  const key = JSON.stringify([query.config.version, query.asOf, query.windowDays, query.min, query.stageId ?? null]);
  const cached = reports.get(key);
  if (cached) {
    reports.delete(key);
    reports.set(key, cached);
    return cached;
  }
  computed += 1;
  const report = getBusFactorReport(db, query);
  reports.set(key, report);
  report.catch(() => {
    if (reports.get(key) === report) reports.delete(key);
  });
  for (const oldest of reports.keys()) {
    if (reports.size <= capacity) break;
    reports.delete(oldest);
  }
  return report;
}

/** How many reports have been computed rather than served from the cache: for tests. */
export function countComputedReports(): number {
  return computed;
}
