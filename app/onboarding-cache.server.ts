import { createDataVersionCache } from "./data-version-cache.server";
import {
  getOnboardingReport,
  listStageNewcomers,
  type Newcomer,
  type OnboardingQuery,
  type OnboardingReport,
} from "./models/onboarding.server";
import type { CompiledConfig } from "./stewardship/config";

/** Reports kept: /onboarding, its API and the stage pages at a few as-of days and windows. */
const reports = createDataVersionCache<OnboardingReport>({ capacity: 16 });

/**
 * The onboarding report for `query`, computed once per data version (see data-version-cache.server.ts):
 * the funnel reads every stage's whole history, and each stage page's newcomers come from the same report.
 */
export function getCachedOnboardingReport(
  query: OnboardingQuery & { config: CompiledConfig },
): Promise<OnboardingReport> {
  return reports.get([query.config.version, query.asOf, query.windowDays, query.min], (db) =>
    getOnboardingReport(db, query),
  );
}

/** Newcomers kept: each stage page at a few as-of days and windows. */
const newcomers = createDataVersionCache<Newcomer[]>({ capacity: 32 });

/**
 * A stage's newcomers for `query` (the report's, read for that stage alone: see listStageNewcomers),
 * computed once per data version: a stage page's first view after a write need not compute the funnel.
 */
export function getCachedStageNewcomers(
  query: OnboardingQuery & { config: CompiledConfig; stageId: string },
): Promise<Newcomer[]> {
  return newcomers.get([query.config.version, query.stageId, query.asOf, query.windowDays, query.min], (db) =>
    listStageNewcomers(db, query),
  );
}
