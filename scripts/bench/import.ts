import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { migrateToLatest, openDatabase } from "../../db/database";
import { loadConfig } from "../../app/config.server";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { createSyntheticRepo } from "../../tests/support/synthetic-repo";

/** Times `git log` exactly as the import runs it, writing to nowhere. */
function timeRawGitLog(repo: string): Promise<number> {
  const args = [
    "-C",
    repo,
    "log",
    "--reverse",
    "--first-parent",
    "--diff-merges=first-parent",
    "-M",
    "--numstat",
    "-z",
  ];
  args.push("--format=%x1e%H%x1f%aN%x1f%aE%x1f%ct%x1f%B%x1f", "main", "--");
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve((performance.now() - start) / 1000) : reject(new Error(`git log exited ${code}`)),
    );
  });
}

/**
 * Import speed against the floor: generates a synthetic CPython-like repository, times the raw
 * `git log` the import reads, then the whole import into a fresh database.
 */
export async function benchImport({ commits }: { commits: number }): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-bench-repo-"));
  const repo = path.join(dir, "repo");
  try {
    const generateStart = performance.now();
    createSyntheticRepo(repo, { commits });
    const generateSeconds = (performance.now() - generateStart) / 1000;
    await timeRawGitLog(repo); // warm the page cache so both timings read from memory
    const gitLogSeconds = await timeRawGitLog(repo);

    const db = openDatabase(path.join(dir, "bench.sqlite"));
    await migrateToLatest(db);
    const start = performance.now();
    const memoryBefore = process.memoryUsage().rss;
    let peakRss = memoryBefore;
    const summary = await importGitHistory({
      db,
      config: loadConfig(),
      repoPath: repo,
      onProgress: () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      },
    });
    const importSeconds = (performance.now() - start) / 1000;
    await db.destroy();
    return {
      commits: summary.added,
      generateSeconds: round(generateSeconds),
      gitLogSeconds: round(gitLogSeconds),
      importSeconds: round(importSeconds),
      ratio: round(importSeconds / gitLogSeconds),
      commitsPerSecond: Math.round(summary.added / importSeconds),
      peakRssMb: Math.round(peakRss / 1024 / 1024),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
