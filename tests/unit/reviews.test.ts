import { describe, expect, it } from "vitest";
import { reviewerWeights, reviewWeight, toReviewState } from "../../app/stewardship/reviews";

describe("reviewWeight", () => {
  it("counts approvals and change requests fully, comments half, and nothing for self-reviews or dismissals", () => {
    expect(reviewWeight("APPROVED", { selfReview: false })).toBe(1);
    expect(reviewWeight("CHANGES_REQUESTED", { selfReview: false })).toBe(1);
    expect(reviewWeight("COMMENTED", { selfReview: false })).toBe(0.5);
    expect(reviewWeight("DISMISSED", { selfReview: false })).toBe(0);
    expect(reviewWeight("PENDING", { selfReview: false })).toBe(0);
    expect(reviewWeight("APPROVED", { selfReview: true })).toBe(0);
  });
});

describe("reviewerWeights", () => {
  it("keeps each reviewer's strongest review, dated by their latest review that counts", () => {
    const parts = reviewerWeights("Author", [
      { reviewer: "Mentor", state: "COMMENTED", submittedAt: "2026-03-01T10:00:00Z" },
      { reviewer: "mentor", state: "APPROVED", submittedAt: "2026-02-01T10:00:00Z" },
      { reviewer: "mentor", state: "DISMISSED", submittedAt: "2026-04-01T10:00:00Z" },
      { reviewer: "author", state: "APPROVED", submittedAt: "2026-03-05T10:00:00Z" },
      { reviewer: "drive-by", state: "COMMENTED", submittedAt: null },
      { reviewer: null, state: "APPROVED", submittedAt: "2026-03-06T10:00:00Z" },
    ]);
    expect(Object.fromEntries(parts)).toEqual({
      // The approval is the strongest part; the later comment is the latest activity; a dismissal is neither.
      mentor: { weight: 1, occurredAt: "2026-03-01T10:00:00Z" },
      "drive-by": { weight: 0.5, occurredAt: null },
    });
  });
});

describe("toReviewState", () => {
  it.each([
    ["approved", "APPROVED"],
    ["changes_requested", "CHANGES_REQUESTED"],
    ["commented", "COMMENTED"],
    ["dismissed", "DISMISSED"],
    ["APPROVED", "APPROVED"],
    ["something new", "PENDING"],
  ] as const)("reads a webhook's %j as %s", (value, state) => {
    expect(toReviewState(value)).toBe(state);
  });
});
