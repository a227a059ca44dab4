import { createDataVersionCache } from "./data-version-cache.server";
import { getBusFactorReport, type BusFactorQuery, type BusFactorReport } from "./models/bus-factor.server";
import type { CompiledConfig } from "./stewardship/config";

/** Reports kept: the dashboard, the API and each stage page at a few windows. */
const reports = createDataVersionCache<BusFactorReport>({ capacity: 32 });

/** The bus-factor report for `query`, computed once per data version (see data-version-cache.server.ts). */
export function getCachedBusFactorReport(
  query: BusFactorQuery & { config: CompiledConfig; stageId?: string },
): Promise<BusFactorReport> {
  return reports.get([query.config.version, query.asOf, query.windowDays, query.min, query.stageId ?? null], (db) =>
    getBusFactorReport(db, query),
  );
}

/** How many reports have been computed rather than served from the cache: for tests. */
export function countComputedReports(): number {
  return reports.computedCount();
}
