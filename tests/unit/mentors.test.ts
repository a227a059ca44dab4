import { describe, expect, it } from "vitest";
import { MENTORS_PER_TASK, suggestMentors } from "../../app/stewardship/mentors";

const maintainer = (id: number, name: string, credit: number, lastActive: string) => ({
  id,
  login: name.toLowerCase(),
  name,
  credit,
  lastActive,
});

describe("suggestMentors", () => {
  it("picks at most three, the most recently active first, not the most credited", () => {
    const people = [
      maintainer(1, "Mark", 40, "2026-03-01T10:00:00Z"),
      maintainer(2, "Ken", 12, "2026-11-20T09:00:00Z"),
      maintainer(3, "Brandt", 25, "2026-10-02T09:00:00Z"),
      maintainer(4, "Savannah", 3, "2026-11-25T12:00:00Z"),
      maintainer(5, "Diego", 2, "2026-06-30T08:00:00Z"),
    ];
    expect(MENTORS_PER_TASK).toBe(3);
    expect(suggestMentors(people).map((p) => p.name)).toEqual(["Savannah", "Ken", "Brandt"]);
  });

  it("breaks a tie in recency by credit, then name; a short list stays whole", () => {
    const same = "2026-11-01T00:00:00Z";
    expect(
      suggestMentors([maintainer(1, "Zoe", 2, same), maintainer(2, "Ann", 2, same), maintainer(3, "Bob", 5, same)]).map(
        (p) => p.name,
      ),
    ).toEqual(["Bob", "Ann", "Zoe"]);
    expect(suggestMentors([maintainer(1, "Solo", 2, same)])).toHaveLength(1);
    expect(suggestMentors([])).toEqual([]);
  });
});
