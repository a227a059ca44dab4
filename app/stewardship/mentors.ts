/** A stage's active maintainer with the day of their latest work on it. */
export interface MentorCandidate {
  id: number;
  login: string | null;
  name: string;
  credit: number;
  /** ISO timestamp of their latest credited work on the stage in the window. */
  lastActive: string;
}

/** Mentors suggested per starter task: the stage's most recently active maintainers, not its most credited. */
export const MENTORS_PER_TASK = 3;

/** At most `limit` maintainers, the most recently active first (ties: more credit, then name). */
export function suggestMentors<T extends MentorCandidate>(maintainers: T[], limit = MENTORS_PER_TASK): T[] {
  return [...maintainers]
    .sort(
      (a, b) =>
        (a.lastActive < b.lastActive ? 1 : a.lastActive > b.lastActive ? -1 : 0) ||
        b.credit - a.credit ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    )
    .slice(0, limit);
}
