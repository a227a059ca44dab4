import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { forEachPackedRow, packedRows } from "../../app/models/dialect.server";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { commit, people, stageFiles, store } from "../support/factories";

const test = setUpTestDatabase();

describe("packedRows read back by forEachPackedRow", () => {
  it("gives the rows' own numbers on either database: ids, day numbers, whole and half weights", async () => {
    const { db } = test;
    const config = defaultConfig();
    const reviewed = (day: string, weight: number) => {
      const item = commit({ day, title: `Tune ${day}`, author: people.alice, files: stageFiles["middle-end"] });
      item.people.push({ identity: people.bob, role: "reviewer", weight, occurredAt: `${day}T18:30:00Z` });
      return item;
    };
    await store(db, config, [reviewed("2026-01-05", 1), reviewed("2026-02-07", 0.5), reviewed("2026-03-09", 0.5)]);
    const rows = await db.selectFrom("stageActivity").select(["personId", "day", "weight", "contributionId"]).execute();
    const { packed } = await db
      .selectFrom("stageActivity")
      .select(
        packedRows(db, [sql.ref("personId"), sql.ref("day"), sql.ref("weight"), sql.ref("contributionId")]).as(
          "packed",
        ),
      )
      .executeTakeFirstOrThrow();
    const read: number[][] = [];
    forEachPackedRow(packed, 4, (values) => read.push([...values]));
    const expected = rows.map((r) => [r.personId, r.day, r.weight, r.contributionId]);
    const byValue = (a: number[], b: number[]) => a.join(" ").localeCompare(b.join(" "));
    expect(read.sort(byValue)).toEqual(expected.sort(byValue));
    expect(new Set(read.map((r) => r[2]))).toEqual(new Set([1, 0.5]));
  });

  it("reads nothing from no rows, and decimals, large ids and signs as Number() does", () => {
    const read: number[][] = [];
    forEachPackedRow(null, 2, (values) => read.push([...values]));
    expect(read).toEqual([]);
    forEachPackedRow("9007199254740991 0.125,12 1e-05,3 -2.5,7 0.1", 2, (values) => read.push([...values]));
    expect(read).toEqual([
      [9007199254740991, 0.125],
      [12, 1e-5],
      [3, -2.5],
      [7, 0.1],
    ]);
  });
});
