import type { Database } from "../db/database";
import { getDataVersion, getReadDb } from "./db.server";
import { getOnboardingReport, type OnboardingQuery, type OnboardingReport } from "./models/onboarding.server";
import type { CompiledConfig } from "./stewardship/config";

/** Reports kept per database: /onboarding, its API and the stage pages at a few as-of days and windows. */
const capacity = 16;

interface ReportCache {
  dataVersion: number;
  /** Insertion order is recency: a hit moves its entry to the end, the first entry goes first. */
  reports: Map<string, Promise<OnboardingReport>>;
}

// Keyed by the read pool, so reopening the database (another DATABASE_URL in tests) starts afresh.
const caches = new WeakMap<Database, ReportCache>();

/**
 * The onboarding report for `query`, computed once per data version, as the bus-factor report is (see
 * bus-factor-cache.server.ts): the funnel reads every stage's whole history, and each stage page's
 * newcomers come from the same report. Callers must not modify the report they get.
 */
export async function getCachedOnboardingReport(
  query: OnboardingQuery & { config: CompiledConfig },
): Promise<OnboardingReport> {
  const [db, dataVersion] = await Promise.all([getReadDb(), getDataVersion()]);
  let cache = caches.get(db);
  if (!cache || cache.dataVersion !== dataVersion) {
    cache = { dataVersion, reports: new Map() };
    caches.set(db, cache);
  }
  const { reports } = cache;
  const key = JSON.stringify([query.config.version, query.asOf, query.windowDays, query.min]);
  const cached = reports.get(key);
  if (cached) {
    reports.delete(key);
    reports.set(key, cached);
    return cached;
  }
  const report = getOnboardingReport(db, query);
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
