import { describe, expect, it } from "vitest";
import { reclassifyStale } from "../../app/models/classification.server";
import { compileConfig, parseConfig } from "../../app/stewardship/config";
import { todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase, type TestDatabase } from "../support/db";
import { knownHistory, store } from "../support/factories";

const test = setUpTestDatabase({ per: "test" });

async function stageCounts(test: TestDatabase) {
  const rows = await test.db
    .selectFrom("stageActivity")
    .select((eb) => ["stageId", eb.fn.countAll<number>().as("n")])
    .groupBy("stageId")
    .orderBy("stageId")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.stageId, Number(r.n)]));
}

describe("reclassifying when the configuration changes", () => {
  it("reclassifies every stored contribution made under another version, once", async () => {
    const config = defaultConfig();
    await store(test.db, config, knownHistory(todayUtc()));
    const before = await stageCounts(test);
    expect(before.frontend).toBe(3); // erin twice, frank as co-author once
    expect(await reclassifyStale(test.db, { config })).toBe(0);

    // Someone decides Python/optimizer.c is backend work now.
    const raw = structuredClone(config.config);
    raw.paths = raw.paths.map((rule) => (rule.glob === "Python/optimizer.c" ? { ...rule, stage: "backend" } : rule));
    const changed = compileConfig(parseConfig(JSON.stringify(raw), "steward.config.json"));
    expect(changed.version).not.toBe(config.version);

    const progress: number[] = [];
    const total = await test.db
      .selectFrom("contributions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(
      await reclassifyStale(test.db, { config: changed, pageSize: 5, onProgress: (done) => progress.push(done) }),
    ).toBe(Number(total.n));
    expect(progress.at(-1)).toBe(Number(total.n));
    expect(progress.length).toBeGreaterThan(1);

    const after = await stageCounts(test);
    expect(after.frontend).toBeUndefined();
    expect(after.backend).toBe((before.backend ?? 0) + 3);
    const versions = await test.db.selectFrom("classifications").select("configVersion").distinct().execute();
    expect(versions.map((v) => v.configVersion)).toEqual([changed.version]);
    expect(await reclassifyStale(test.db, { config: changed })).toBe(0);
  });
});
