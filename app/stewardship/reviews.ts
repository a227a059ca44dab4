/** GitHub's review states, as the GraphQL API names them. */
export const reviewStates = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"] as const;
export type ReviewState = (typeof reviewStates)[number];

/** A review state as webhook payloads spell it (`approved`, `changes_requested`); PENDING when unknown. */
export function toReviewState(value: string): ReviewState {
  return reviewStates.find((state) => state === value.toUpperCase()) ?? "PENDING";
}

/**
 * How much one review counts toward a stage's maintainer rule. Approving or requesting changes is
 * maintainer work and counts like a contribution (1); a plain review comment counts half (0.5);
 * dismissed and pending reviews, and anyone reviewing their own pull request, count nothing.
 */
export function reviewWeight(state: ReviewState, { selfReview }: { selfReview: boolean }): number {
  if (selfReview) return 0;
  switch (state) {
    case "APPROVED":
    case "CHANGES_REQUESTED":
      return 1;
    case "COMMENTED":
      return 0.5;
    default:
      return 0;
  }
}

/**
 * Each reviewer's part in a pull request from all their reviews: the strongest review's weight, counted
 * once, dated by their latest counting review (their latest activity on it; null if GitHub gave no date).
 */
export function reviewerWeights(
  author: string | null,
  reviews: Array<{ reviewer: string | null; state: ReviewState; submittedAt?: string | null }>,
): Map<string, { weight: number; occurredAt: string | null }> {
  const parts = new Map<string, { weight: number; occurredAt: string | null }>();
  for (const review of reviews) {
    if (!review.reviewer) continue;
    const login = review.reviewer.toLowerCase();
    const weight = reviewWeight(review.state, { selfReview: login === author?.toLowerCase() });
    if (weight <= 0) continue;
    const known = parts.get(login) ?? { weight: 0, occurredAt: null };
    const at = review.submittedAt ?? null;
    parts.set(login, {
      weight: Math.max(known.weight, weight),
      occurredAt:
        known.occurredAt === null || (at !== null && at > known.occurredAt)
          ? (at ?? known.occurredAt)
          : known.occurredAt,
    });
  }
  return parts;
}
