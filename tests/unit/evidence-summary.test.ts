import { describe, expect, it } from "vitest";
import { describeContributions, describeParts, groupPersonEvidence } from "../../app/stewardship/evidence-summary";

const share = "middle-end files are 100% of the changed lines and 100% of the changed files outside shared JIT code";

describe("groupPersonEvidence", () => {
  it("says a line every contribution shares once, and keeps each one's own lines", () => {
    const grouped = groupPersonEvidence([
      { id: 1, evidence: [share, "references gh-134584 (middle-end umbrella)"] },
      { id: 2, evidence: [share] },
      { id: 3, evidence: [share, 'title word "refcount"'] },
    ]);
    expect(grouped.shared).toEqual([share]);
    expect(grouped.contributions.map((c) => [c.id, c.evidence])).toEqual([
      [1, ["references gh-134584 (middle-end umbrella)"]],
      [2, []],
      [3, ['title word "refcount"']],
    ]);
  });

  it("shares nothing when one contribution lacks the line, or when there is only one", () => {
    expect(groupPersonEvidence([{ evidence: [share] }, { evidence: ["label topic-JIT"] }]).shared).toEqual([]);
    const single = groupPersonEvidence([{ evidence: [share] }]);
    expect(single.shared).toEqual([]);
    expect(single.contributions[0]?.evidence).toEqual([share]);
    expect(groupPersonEvidence([]).shared).toEqual([]);
  });

  it("counts a line repeated within one contribution once", () => {
    expect(groupPersonEvidence([{ evidence: [share, share] }, { evidence: [share] }]).shared).toEqual([share]);
  });
});

describe("describeContributions", () => {
  it.each([
    [8, 8, "8 contributions"],
    [1, 1, "1 contribution"],
    [5, 3.5, "5 contributions, credit 3.5"],
    [2, 1.5, "2 contributions, credit 1.5"],
  ])("%i contributions with credit %d read %s", (count, credit, words) => {
    expect(describeContributions(count, credit)).toBe(words);
  });
});

describe("describeParts", () => {
  it.each([
    [8, 0, "all authored"],
    [0, 3, "all reviewed"],
    [2, 3, "2 authored, 3 reviewed"],
  ])("%i authored, %i reviewed read %s", (authored, reviewed, words) => {
    expect(describeParts(authored, reviewed)).toBe(words);
  });
});
