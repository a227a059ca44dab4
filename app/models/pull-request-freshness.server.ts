import type { Database } from "../../db/database";

/**
 * GitHub's updatedAt of each of `numbers` whose details are stored (by a GitHub sync): a PR stored at
 * the updatedAt GitHub reports now needs no fetching.
 */
export async function listStoredPullRequestUpdates(
  db: Database,
  { numbers }: { numbers: number[] },
): Promise<Map<number, string>> {
  const stored = new Map<number, string>();
  // SQLite allows a limited number of bound values per statement.
  for (let i = 0; i < numbers.length; i += 500) {
    const rows = await db
      .selectFrom("contributions")
      .select(["prNumber", "prUpdatedAt"])
      .where("prNumber", "in", numbers.slice(i, i + 500))
      .where("prUpdatedAt", "is not", null)
      .execute();
    for (const row of rows)
      if (row.prNumber !== null && row.prUpdatedAt !== null) stored.set(row.prNumber, row.prUpdatedAt);
  }
  return stored;
}
