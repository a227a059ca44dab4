/** The first items of a list a page shows, and how many it leaves out ("and N more"). */
export interface CappedList<T> {
  items: T[];
  more: number;
}

/** At most `limit` of `all`, keeping their order; `total` when the full count is known but not loaded. */
export function capList<T>(all: T[], limit: number, total = all.length): CappedList<T> {
  const items = all.slice(0, limit);
  return { items, more: Math.max(0, total - items.length) };
}

/**
 * How many of each list one page shows. A page's size and the work behind it stay bounded however
 * long the window or low the threshold; the rest is a link away.
 */
export const pageCaps = {
  /** Maintainers described on a stage page, each with why they count. */
  maintainers: 25,
  /** The latest credited contributions listed per maintainer. */
  credited: 10,
  /** Evidence lines per credited contribution. */
  evidence: 3,
  /** Other contributors ranked on a stage page. */
  contributors: 25,
  /** Maintainers named on a dashboard card. */
  cardMaintainers: 10,
  /** Suggested mentors named on a starter task: the stage's most recently active maintainers. */
  mentors: 3,
  /** Open starter tasks listed on a stage page. */
  tasks: 50,
  /** People who know a stage's files (degree of authorship), the key people first. */
  knowers: 10,
  /** Files named per person who knows them. */
  knownFiles: 8,
  /** Files named in a stage's CODEOWNERS comparison (unowned ones). */
  ownershipFiles: 10,
  /** Open pull requests given a learner reviewer on a stage or planning page. */
  openPullRequests: 10,
} as const;

/** How many people who know a stage's files, and files per person, the JSON API lists. */
export const apiKnowledgeCaps = { knowers: 100, knownFiles: 200 } as const;

/** How many active maintainers per stage the JSON API lists (most credit first); it counts them all. */
export const apiMaintainerCap = 100;
