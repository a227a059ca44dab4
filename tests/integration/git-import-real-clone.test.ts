import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitImportError, importGitHistory } from "../../app/ingest/git-import.server";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { gitEnv, TestRepo } from "../support/git-repo";

const config = defaultConfig();
const root = path.resolve(import.meta.dirname, "../..");
const test = setUpTestDatabase({ per: "test" });
let repo: TestRepo;
let clones: string[] = [];

beforeEach(() => {
  repo = TestRepo.create();
});
afterEach(() => {
  repo.remove();
  for (const dir of clones) fs.rmSync(dir, { recursive: true, force: true });
  clones = [];
});

function runCli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/import-git.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: test.file },
    encoding: "utf8",
  });
}

/** A real shallow clone of the test repository, as `git clone --depth` makes it over a transport. */
function shallowClone(depth: number, options: { bare?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-shallow-"));
  clones.push(dir);
  const args = [
    "clone",
    "-q",
    ...(options.bare ? ["--bare"] : []),
    "--depth",
    String(depth),
    `file://${repo.dir}`,
    dir,
  ];
  const cloned = spawnSync("git", args, { env: gitEnv(), encoding: "utf8" });
  if (cloned.status !== 0) throw new Error(cloned.stderr);
  return dir;
}

async function count(table: "contributions" | "importRuns" | "people") {
  const row = await test.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Five JIT commits, one a day from 2026-01-01. */
function fiveDays() {
  for (let day = 1; day <= 5; day++) {
    repo.write("Python/jit.c", `int v = ${day};\n`);
    repo.write(`Lib/module${day}.py`, "x = 1\n".repeat(day * 10));
    repo.commit(`Emit stencils, step ${day} (#${135000 + day})`, { date: `2026-01-0${day}T10:00:00Z` });
  }
}

describe("a shallow clone", () => {
  it("is refused, saying why and how to go on, with nothing written", async () => {
    fiveDays();
    const clone = shallowClone(2);
    const refused = importGitHistory({ db: test.db, config, repoPath: clone });
    await expect(refused).rejects.toThrow(GitImportError);
    await expect(refused).rejects.toThrow(
      `${clone} is a shallow clone: its oldest commit would be credited with the whole tree. ` +
        "Fetch the full history with `git fetch --unshallow`, or import with --since a date after the shallow boundary",
    );
    await expect(refused).rejects.toThrow(/committed 2026-01-04\), e\.g\. --since 2026-01-05\.$/);
    // --since on the boundary's own day still takes it in.
    await expect(importGitHistory({ db: test.db, config, repoPath: clone, since: "2026-01-04" })).rejects.toThrow(
      /is a shallow clone/,
    );
    const cli = runCli([clone, "--branch", "main"]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`steward: ${clone} is a shallow clone`);
    expect(cli.stderr).toContain("git fetch --unshallow");
    expect([await count("contributions"), await count("importRuns"), await count("people")]).toEqual([0, 0, 0]);
  });

  it("imports what follows the boundary with --since after it, and later runs continue from there", async () => {
    fiveDays();
    const clone = shallowClone(3, { bare: true });
    const summary = await importGitHistory({ db: test.db, config, repoPath: clone, since: "2026-01-04" });
    expect(summary).toMatchObject({ read: 2, added: 2 }); // the boundary (2026-01-03) left out
    const files = await test.db.selectFrom("contributionFiles").select("path").orderBy("path").execute();
    expect(files.map((f) => f.path)).toEqual(["Lib/module4.py", "Lib/module5.py", "Python/jit.c", "Python/jit.c"]);

    // A new commit fetched into the still-shallow clone: the incremental run never reaches the boundary.
    repo.write("Python/jit.c", "int v = 6;\n");
    repo.commit("Emit stencils, step 6 (#135006)", { date: "2026-01-06T10:00:00Z" });
    spawnSync("git", ["fetch", "-q", "origin", "main:main"], { cwd: clone, env: gitEnv() });
    const next = await importGitHistory({ db: test.db, config, repoPath: clone });
    expect(next).toMatchObject({ read: 1, added: 1, incremental: true });
  });

  it("is no obstacle once unshallowed, and a deep enough clone is not shallow at all", async () => {
    fiveDays();
    const deep = shallowClone(10);
    expect((await importGitHistory({ db: test.db, config, repoPath: deep })).read).toBe(5);
    const clone = shallowClone(2);
    spawnSync("git", ["fetch", "-q", "--unshallow"], { cwd: clone, env: gitEnv() });
    expect((await importGitHistory({ db: test.db, config, repoPath: clone })).skipped).toBe(5);
  });
});

describe("the import summary", () => {
  it("says how many commits each stage labelled and the dates of the commits read", async () => {
    const lines = (n: number) => "x\n".repeat(n);
    repo.write("Python/optimizer.c", lines(30));
    repo.commit("gh-139109: Record traces through generators (#135101)", { date: "2026-02-01T09:00:00Z" });
    repo.write("Python/optimizer_bytecodes.c", lines(20));
    repo.write("Python/optimizer_cases.c.h", lines(60));
    repo.commit("gh-134584: Eliminate redundant refcounting from _BINARY_OP (#135102)", {
      date: "2026-02-02T09:00:00Z",
    });
    repo.write("Python/optimizer_analysis.c", lines(50));
    repo.write("Python/jit.c", lines(50));
    repo.commit("Teach the optimizer and the JIT about _CALL_LEN (#135103)", { date: "2026-02-03T09:00:00Z" });
    repo.write("Lib/asyncio/tasks.py", lines(5));
    repo.commit("gh-140000: Fix a typo in asyncio (#135104)", { date: "2026-02-04T09:00:00Z" });
    // Committed just after midnight in Paris: still the last day of February in UTC, as stored.
    repo.write("Tools/jit/_targets.py", lines(10));
    repo.commit("Build stencils with LLVM 19 (#135105)", { date: "2026-03-01T00:30:00+01:00" });

    const summary = await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    expect(summary.stages).toEqual([
      { stageId: "frontend", commits: 1 },
      { stageId: "middle-end", commits: 2 },
      { stageId: "backend", commits: 2 },
    ]);
    expect(summary.noStage).toBe(1);
    expect(summary.commitDates).toEqual({ from: "2026-02-01T09:00:00Z", to: "2026-02-28T23:30:00Z" });

    // Without its cursor the CLI reads the whole history again: the counts are of the commits read.
    await test.db.deleteFrom("meta").where("key", "like", "git.cursor:%").execute();
    const cli = runCli([repo.dir]);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain("5 commits read, 0 added, 5 already stored");
    expect(cli.stdout).toContain(
      "Commits read from 2026-02-01 to 2026-02-28, by stage: frontend 1, middle-end 2, backend 2, no stage 1.",
    );
  });

  it("has no dates and no counts when there was nothing new", async () => {
    repo.write("Python/jit.c", "1\n");
    repo.commit("One");
    await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    const again = await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    expect(again).toMatchObject({ read: 0, noStage: 0, commitDates: null });
    expect(again.stages.every((s) => s.commits === 0)).toBe(true);
  });
});
