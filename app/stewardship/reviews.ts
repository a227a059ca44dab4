/** GitHub's review states, as the GraphQL API names them. */
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

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

/** A person's weight on a pull request from all their reviews: the strongest one, counted once. */
export function reviewerWeights(
  author: string | null,
  reviews: Array<{ reviewer: string | null; state: ReviewState }>,
): Map<string, number> {
  const weights = new Map<string, number>();
  for (const review of reviews) {
    if (!review.reviewer) continue;
    const login = review.reviewer.toLowerCase();
    const weight = reviewWeight(review.state, { selfReview: login === author?.toLowerCase() });
    if (weight > (weights.get(login) ?? 0)) weights.set(login, weight);
  }
  return weights;
}
