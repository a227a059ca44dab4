import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { migrateToLatest, openDatabase } from "../../db/database";
import { loadConfig } from "../../app/config.server";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { createSyntheticRepo } from "../../tests/support/synthetic-repo";

/**
 * Times `git log` as the import runs it (`withRaw`: with the change letters of `--raw`), or the bare
 * `--numstat` walk the issue compares against, writing to nowhere.
 */
function timeRawGitLog(repo: string, { withRaw }: { withRaw: boolean }): Promise<number> {
  const args = ["-C", repo, "-c", "core.quotePath=false", "log", "--reverse", "--first-parent"];
  args.push("--diff-merges=first-parent", "-M", ...(withRaw ? ["--raw"] : []), "--numstat", "-z", "--no-color");
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
 * `git log` the import reads (and the bare `--numstat` walk), then the whole import into a fresh
 * database. `ratio` is the import over the git log it reads.
 */
export async function benchImport({
  commits,
  runs = 3,
}: {
  commits: number;
  runs?: number;
}): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-bench-repo-"));
  const repo = path.join(dir, "repo");
  try {
    const generateStart = performance.now();
    createSyntheticRepo(repo, { commits });
    const generateSeconds = (performance.now() - generateStart) / 1000;
    await timeRawGitLog(repo, { withRaw: true }); // warm the page cache so all timings read from memory
    // The machine is shared: each figure is the best of `runs`, git's and the import's alike.
    let gitNumstatSeconds = Infinity;
    let gitLogSeconds = Infinity;
    let importSeconds = Infinity;
    let added = 0;
    let peakRss = process.memoryUsage().rss;
    for (let run = 0; run < runs; run++) {
      gitNumstatSeconds = Math.min(gitNumstatSeconds, await timeRawGitLog(repo, { withRaw: false }));
      gitLogSeconds = Math.min(gitLogSeconds, await timeRawGitLog(repo, { withRaw: true }));
      const file = path.join(dir, `bench-${run}.sqlite`);
      const db = openDatabase(file);
      await migrateToLatest(db);
      const start = performance.now();
      const summary = await importGitHistory({
        db,
        config: loadConfig(),
        repoPath: repo,
        onProgress: () => {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        },
      });
      importSeconds = Math.min(importSeconds, (performance.now() - start) / 1000);
      added = summary.added;
      await db.destroy();
      fs.rmSync(file, { force: true });
    }
    return {
      commits: added,
      generateSeconds: round(generateSeconds),
      gitNumstatSeconds: round(gitNumstatSeconds),
      gitLogSeconds: round(gitLogSeconds),
      importSeconds: round(importSeconds),
      ratio: round(importSeconds / gitLogSeconds),
      ratioToNumstat: round(importSeconds / gitNumstatSeconds),
      commitsPerSecond: Math.round(added / importSeconds),
      peakRssMb: Math.round(peakRss / 1024 / 1024),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
