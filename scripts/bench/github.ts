import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest, openDatabase } from "../../db/database";
import { loadConfig } from "../../app/config.server";
import { createGitHubClient } from "../../app/github.server";
import { syncPullRequests, syncStarterTasks } from "../../app/ingest/github-sync.server";
import { generateRepository } from "../../tests/support/github-simulator/data";
import { startGitHubSimulator } from "../../tests/support/github-simulator/server";
import { isoSeconds } from "../../app/stewardship/dates";

/**
 * Requests a full sync and a quiet re-sync spend against the GitHub simulator holding a
 * CPython-like repository of `pullRequests` PRs (a tenth of them touching JIT stage files).
 * Targets: at most 300 requests for the first sync, at most 5 when nothing changed.
 */
export async function benchGitHubSync({ pullRequests }: { pullRequests: number }): Promise<Record<string, number>> {
  const now = isoSeconds(new Date());
  const simulator = await startGitHubSimulator({ repository: generateRepository({ now, pullRequests }) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-bench-github-"));
  const db = openDatabase(path.join(dir, "bench.sqlite"));
  try {
    await migrateToLatest(db);
    const config = loadConfig();
    const run = async () => {
      // The simulator needs no pacing; GitHub itself gets the throttling plugin's 1 s between GraphQL calls.
      const github = createGitHubClient({ token: simulator.token, baseUrl: simulator.url, graphqlIntervalMs: 0 });
      const started = Date.now();
      const prs = await syncPullRequests({ db, config, github });
      await syncStarterTasks({ db, config, github });
      return { requests: github.requests(), pullRequests: prs.fetched, seconds: (Date.now() - started) / 1000 };
    };
    const first = await run();
    const quiet = await run();
    return {
      repositoryPullRequests: pullRequests,
      stagePullRequestsSynced: first.pullRequests,
      initialRequests: first.requests,
      initialSeconds: Math.round(first.seconds * 10) / 10,
      quietResyncRequests: quiet.requests,
    };
  } finally {
    await db.destroy();
    await simulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
