import { createDataVersionCache } from "./data-version-cache.server";
import { listBusiestStageFiles, type BusiestStageFiles } from "./models/contribution-list.server";
import type { CompiledConfig } from "./stewardship/config";
import type { TimeWindow } from "./stewardship/metrics";

/** Lists kept: each stage page at a few as-of days and windows. */
const lists = createDataVersionCache<BusiestStageFiles>({ capacity: 32 });

/**
 * A stage's busiest files in `window`, computed once per data version (see data-version-cache.server.ts):
 * the ranking groups every file row of the stage's contributions in the window. Keyed by the stage, the
 * window's ends (the as-of day and the window's length), the limit, and the configuration's generated
 * paths (set apart from the list, and not part of the configuration's version).
 */
export function getCachedBusiestStageFiles(query: {
  config: CompiledConfig;
  stageId: string;
  window: TimeWindow;
  limit: number;
}): Promise<BusiestStageFiles> {
  const { config, stageId, window, limit } = query;
  return lists.get([config.version, config.config.generatedPaths, stageId, window.from, window.to, limit], (db) =>
    listBusiestStageFiles(db, query),
  );
}

/** How many lists have been computed rather than served from the cache: for tests. */
export function countComputedBusiestFiles(): number {
  return lists.computedCount();
}
