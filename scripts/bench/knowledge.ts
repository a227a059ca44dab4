import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabaseUrl } from "../../db/database";
import { loadConfig } from "../../app/config.server";
import { upsertCodeowners } from "../../app/models/knowledge.server";
import { PeopleResolver } from "../../app/models/person.server";
import { upsertPullRequest } from "../../app/models/pull-request.server";
import { fillSyntheticDatabase } from "./dashboard";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * `openPullRequests` open PRs on stage files, and a CODEOWNERS, beside the synthetic history in the
 * database `url` names (a SQLite file or a postgres:// URL).
 */
export async function addOpenPullRequestsAndOwners(url: string, openPullRequests: number, asOf: string): Promise<void> {
  const config = loadConfig();
  const db = openDatabaseUrl(url);
  try {
    await db.transaction().execute(async (trx) => {
      const people = await PeopleResolver.load(trx, config);
      for (let i = 0; i < openPullRequests; i++) {
        const login = `newcomer${i % 40}`;
        await upsertPullRequest(trx, {
          config,
          people,
          pr: {
            number: 900_000 + i,
            title: `gh-134584: Open change ${i}`,
            createdAt: `${asOf}T08:00:00Z`,
            mergedAt: null,
            state: "open",
            updatedAt: `${asOf}T08:00:00Z`,
            author: { name: login, login },
            labels: [],
            refs: [134584],
            files: [{ path: i % 2 ? "Python/jit.c" : "Python/optimizer_analysis.c", added: 10, deleted: 2 }],
            reviewers: [],
          },
        });
      }
      await upsertCodeowners(trx, {
        source: "git:bench",
        path: ".github/CODEOWNERS",
        revision: "0".repeat(40),
        text: "*  @python/core\nPython/optimizer*.c @person1 @person2\nPython/jit.c @person3\nTools/jit/ @person3\n",
        readAt: `${asOf}T00:00:00Z`,
      });
    });
  } finally {
    await db.destroy();
  }
}

/**
 * Times, at `contributions` synthetic contributions (a fifth on JIT stage files, over five years), the
 * stage page's loader (with the knowledge truck factor, CODEOWNERS and learner reviewers), the
 * knowledge API for every stage, and the reviewers API for one open PR: in-process, as remix-serve runs them.
 */
export async function benchKnowledge({ contributions, requests = 20 }: { contributions: number; requests?: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-bench-knowledge-"));
  const file = path.join(dir, "bench.sqlite");
  const asOf = "2026-11-01";
  try {
    await fillSyntheticDatabase(file, contributions, asOf);
    await addOpenPullRequestsAndOwners(file, 200, asOf);
    process.env.DATABASE_URL = file;
    const stage = await import("../../app/routes/stages.$stage");
    const knowledge = await import("../../app/routes/api.knowledge");
    const reviewers = await import("../../app/routes/api.reviewers");
    const { closeDb, getReadDb } = await import("../../app/db.server");
    const { getStageKnowledge } = await import("../../app/models/knowledge.server");
    const config = loadConfig();
    const readDb = await getReadDb();
    // Pages and the API keep each stage's knowledge per data version: the first view after a write
    // computes it (the uncached row), later views are the cached rows.
    const calls = {
      "knowledge of middle-end, uncached": () =>
        getStageKnowledge(readDb, { config, stageId: "middle-end", before: `${asOf}T23:59:59Z` }),
      "/stages/middle-end": () =>
        stage.loader({
          request: new Request(`http://bench.invalid/stages/middle-end?asOf=${asOf}`),
          params: { stage: "middle-end" },
          context: {},
        }),
      "/api/knowledge": () =>
        knowledge.loader({
          request: new Request(`http://bench.invalid/api/knowledge?asOf=${asOf}`),
          params: {},
          context: {},
        }),
      "/api/reviewers?pr=900001": () =>
        reviewers.loader({
          request: new Request(`http://bench.invalid/api/reviewers?pr=900001&asOf=${asOf}`),
          params: {},
          context: {},
        }),
    };
    const rows = [];
    for (const [name, call] of Object.entries(calls)) {
      for (let i = 0; i < 3; i++) await call(); // warm up SQLite's page cache and V8
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const start = performance.now();
        await call();
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      rows.push({
        path: name,
        contributions,
        p50Ms: Number(percentile(times, 50).toFixed(1)),
        p95Ms: Number(percentile(times, 95).toFixed(1)),
      });
    }
    await closeDb();
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
