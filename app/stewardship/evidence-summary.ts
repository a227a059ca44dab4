// A maintainer's credited contributions on a stage page usually carry the same evidence ("middle-end
// files are 100% of the changed lines…"): said once per person instead of once per contribution.

/** Evidence lines every one of a person's listed contributions shares, and what is left of each. */
export interface PersonEvidence<T> {
  /** Lines found on every listed contribution (only when there are at least two). */
  shared: string[];
  /** The contributions, each with only the evidence that is not shared. */
  contributions: Array<T & { evidence: string[] }>;
}

export function groupPersonEvidence<T extends { evidence: string[] }>(contributions: T[]): PersonEvidence<T> {
  if (contributions.length < 2) return { shared: [], contributions };
  const [first, ...rest] = contributions;
  const shared = [...new Set(first?.evidence ?? [])].filter((line) => rest.every((c) => c.evidence.includes(line)));
  const isShared = new Set(shared);
  return {
    shared,
    contributions: contributions.map((c) => ({ ...c, evidence: c.evidence.filter((line) => !isShared.has(line)) })),
  };
}

/** "8 contributions", or "5 contributions, credit 3.5" when reviews weigh less than the count. */
export function describeContributions(contributions: number, credit: number): string {
  const count = `${contributions} contribution${contributions === 1 ? "" : "s"}`;
  return credit === contributions ? count : `${count}, credit ${credit}`;
}

/** How a person took part: "all authored", "all reviewed", or "2 authored, 3 reviewed". */
export function describeParts(authored: number, reviewed: number): string {
  if (reviewed === 0) return "all authored";
  if (authored === 0) return "all reviewed";
  return `${authored} authored, ${reviewed} reviewed`;
}
