import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitImportError, importGitHistory } from "../../app/ingest/git-import.server";
import { openDatabaseUrl } from "../../db/database";
import { createTestDatabase, defaultConfig, setUpTestDatabase } from "../support/db";
import { gitEnv, TestRepo } from "../support/git-repo";
import { createSyntheticRepo } from "../support/synthetic-repo";

const config = defaultConfig();
const root = path.resolve(import.meta.dirname, "../..");
// One process (node with tsx's loader), not the tsx wrapper, so SIGKILL reaches the importer itself.
const importCli = ["--import", "tsx", "scripts/import-git.ts"];
const test = setUpTestDatabase({ per: "test" });
let repo: TestRepo;

beforeEach(() => {
  repo = TestRepo.create();
});
afterEach(() => {
  repo.remove();
});

async function contributions(db = test.db) {
  return db
    .selectFrom("contributions")
    .select(["id", "sha", "title", "prNumber", "refs", "occurredAt", "fileCount"])
    .orderBy("occurredAt")
    .orderBy("id")
    .execute();
}

async function count(
  table: "contributions" | "people" | "contributionFiles" | "stageActivity" | "classifications",
  db = test.db,
) {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function runCli(args: string[], databaseFile: string) {
  return spawnSync(process.execPath, [...importCli, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseFile },
    encoding: "utf8",
  });
}

describe("importing a CPython-like history", () => {
  it("stores commits with PRs, references, co-authors, renames and binary files", async () => {
    const mira = { name: "Mira Okafor", email: "4242+mokafor@users.noreply.github.com" };
    repo.write("Python/optimizer_bytecodes.c", "int a;\n");
    repo.write("Tools/jit/blob.bin", Buffer.from([0, 1, 2, 3, 0, 255]));
    repo.write("Lib/old_name.py", "x = 1\ny = 2\nz = 3\n");
    repo.commit("Initial import", { date: "2026-01-01T09:00:00Z" });
    repo.write("Python/optimizer_bytecodes.c", "int a;\nint b;\nint c;\n");
    repo.write("Python/bytecodes.c", "op();\n");
    repo.commit(
      "gh-134584: Eliminate redundant refcounting from _BINARY_OP (#135001)\n\nCo-authored-by: Tomasz Wren <tomasz@example.org>",
      { date: "2026-02-01T10:00:00Z", author: mira },
    );
    repo.git(["mv", "Lib/old_name.py", "Lib/new_name.py"]);
    repo.write("Tools/jit/blob.bin", Buffer.from([9, 9, 0, 9]));
    repo.commit("gh-140000: Move a module and refresh a stencil blob (#140001)", { date: "2026-03-01T11:00:00Z" });

    const summary = await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    expect(summary).toMatchObject({ read: 3, added: 3, skipped: 0, branch: "main", incremental: false });

    const rows = await contributions();
    expect(rows.map((r) => [r.title, r.prNumber, JSON.parse(r.refs)])).toEqual([
      ["Initial import", null, []],
      ["gh-134584: Eliminate redundant refcounting from _BINARY_OP (#135001)", 135001, [134584]],
      ["gh-140000: Move a module and refresh a stencil blob (#140001)", 140001, [140000]],
    ]);
    expect(rows[1]?.occurredAt).toBe("2026-02-01T10:00:00Z");

    const refcount = rows[1]?.id ?? 0;
    const people = await test.db
      .selectFrom("contributionPeople as cp")
      .innerJoin("people as p", "p.id", "cp.personId")
      .where("cp.contributionId", "=", refcount)
      .select(["p.name", "p.login", "cp.role"])
      .orderBy("cp.role")
      .execute();
    expect(people).toEqual([
      { name: "Mira Okafor", login: "mokafor", role: "author" },
      { name: "Tomasz Wren", login: null, role: "co-author" },
    ]);
    const stages = await test.db
      .selectFrom("contributionStages")
      .select("stageId")
      .where("contributionId", "=", refcount)
      .execute();
    expect(stages).toEqual([{ stageId: "middle-end" }]);
    const credited = await test.db
      .selectFrom("stageActivity")
      .select("personId")
      .where("contributionId", "=", refcount)
      .execute();
    expect(credited).toHaveLength(2); // author and co-author

    const moved = await test.db
      .selectFrom("contributionFiles")
      .select(["path", "added", "deleted", "previousPath"])
      .where("contributionId", "=", rows[2]?.id ?? 0)
      .orderBy("path")
      .execute();
    expect(moved).toEqual([
      { path: "Lib/new_name.py", added: 0, deleted: 0, previousPath: "Lib/old_name.py" },
      { path: "Tools/jit/blob.bin", added: null, deleted: null, previousPath: null },
    ]);
  });

  it("follows the first parent through merges and keeps non-UTF-8 file names", async () => {
    repo.write("README", "hello\n");
    repo.commit("Start", { date: "2026-01-01T00:00:00Z" });
    repo.git(["checkout", "-q", "-b", "feature"]);
    repo.write("Lib/feature.py", "a = 1\n");
    repo.commit("Side work 1", { date: "2026-01-02T00:00:00Z" });
    repo.write("Lib/feature.py", "a = 2\n");
    repo.commit("Side work 2", { date: "2026-01-03T00:00:00Z" });
    repo.git(["checkout", "-q", "main"]);
    repo.git(["merge", "-q", "--no-ff", "-m", "Merge the feature (#77)", "feature"], {
      GIT_COMMITTER_DATE: "2026-01-04T00:00:00Z",
      GIT_AUTHOR_DATE: "2026-01-04T00:00:00Z",
    });
    // A Latin-1 byte in a file name, as old repositories have.
    const latin1Name = Buffer.concat([Buffer.from("Doc/caf"), Buffer.from([0xe9]), Buffer.from(".txt")]);
    fs.mkdirSync(path.join(repo.dir, "Doc"));
    fs.writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/`), latin1Name]), "bonjour\n");
    repo.commit("Add a Latin-1 file name", { date: "2026-01-05T00:00:00Z" });

    await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    const rows = await contributions();
    expect(rows.map((r) => r.title)).toEqual(["Start", "Merge the feature (#77)", "Add a Latin-1 file name"]);
    const merge = rows[1];
    expect(merge?.prNumber).toBe(77);
    const mergeFiles = await test.db
      .selectFrom("contributionFiles")
      .select("path")
      .where("contributionId", "=", merge?.id ?? 0)
      .execute();
    expect(mergeFiles).toEqual([{ path: "Lib/feature.py" }]); // the merge's diff against its first parent
    const latin = await test.db
      .selectFrom("contributionFiles")
      .select("path")
      .where("contributionId", "=", rows[2]?.id ?? 0)
      .execute();
    expect(latin).toEqual([{ path: "Doc/café.txt" }]);
  });

  it("honours .mailmap for authors and co-authors", async () => {
    repo.write(
      ".mailmap",
      "Kai Lindqvist <kai@example.org> <kai.old@example.org>\nKai Lindqvist <kai@example.org> K L <kl@laptop.local>\n",
    );
    repo.write("Python/optimizer.c", "1\n");
    repo.commit("Start tracing", { author: { name: "kai", email: "kai.old@example.org" } });
    repo.write("Python/optimizer.c", "2\n");
    repo.commit("More tracing", { author: { name: "Kai Lindqvist", email: "kai@example.org" } });
    repo.write("Python/optimizer.c", "3\n");
    repo.commit("Pair work\n\nCo-authored-by: K L <kl@laptop.local>", {
      author: { name: "Elena Petrova", email: "elena@example.org" },
    });

    await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    const people = await test.db.selectFrom("people").select("name").orderBy("name").execute();
    expect(people.map((p) => p.name)).toEqual(["Elena Petrova", "Kai Lindqvist"]);
  });
});

describe("running the import again", () => {
  it("adds only new commits, and nothing when nothing changed", async () => {
    for (let i = 0; i < 3; i++) {
      repo.write("Python/jit.c", `v${i}\n`);
      repo.commit(`JIT change ${i}`, { date: `2026-01-0${i + 1}T00:00:00Z` });
    }
    expect((await importGitHistory({ db: test.db, config, repoPath: repo.dir })).added).toBe(3);
    const again = await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    expect(again).toMatchObject({ read: 0, added: 0, incremental: true });

    repo.write("Python/jit.c", "v3\n");
    repo.commit("JIT change 3", { date: "2026-01-04T00:00:00Z" });
    const third = await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    expect(third).toMatchObject({ read: 1, added: 1, incremental: true });
    expect(await count("contributions")).toBe(4);

    const runs = await test.db.selectFrom("importRuns").select(["status", "added"]).orderBy("id").execute();
    expect(runs).toEqual([
      { status: "done", added: 3 },
      { status: "done", added: 0 },
      { status: "done", added: 1 },
    ]);
  });

  it("re-reads the whole history after a rewrite, adding no duplicates", async () => {
    repo.write("a.txt", "1\n");
    repo.commit("One", { date: "2026-01-01T00:00:00Z" });
    repo.write("a.txt", "2\n");
    repo.commit("Two", { date: "2026-01-02T00:00:00Z" });
    await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.write("a.txt", "3\n");
    repo.commit("Two, rewritten", { date: "2026-01-03T00:00:00Z" });
    const summary = await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    expect(summary).toMatchObject({ incremental: false, read: 2, added: 1, skipped: 1 });
    expect((await contributions()).map((r) => r.title)).toEqual(["One", "Two", "Two, rewritten"]);
  });

  it("imports from a bare clone and respects --since", async () => {
    for (const [i, day] of ["2025-06-01", "2025-12-01", "2026-02-01"].entries()) {
      repo.write("x.txt", `${i}\n`);
      repo.commit(`Commit ${i}`, { date: `${day}T00:00:00Z` });
    }
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), "steward-bare-"));
    spawnSync("git", ["clone", "-q", "--bare", repo.dir, bare], { env: gitEnv() });
    try {
      const summary = await importGitHistory({ db: test.db, config, repoPath: bare, since: "2025-11-01" });
      expect(summary.read).toBe(2);
      expect((await contributions()).map((r) => r.title)).toEqual(["Commit 1", "Commit 2"]);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe("bad input", () => {
  it.each([
    [(dir: string) => [path.join(dir, "missing")], "does not exist"],
    [() => [os.tmpdir()], "is not a git repository"],
    [(dir: string) => [dir, "--branch", "nope"], 'has no branch "nope". Branches: main'],
    [(dir: string) => [dir, "--since", "2026-02-30"], "--since 2026-02-30 is not a date"],
    [() => [], "usage: npm run import:git"],
  ])("exits non-zero with a clear message and writes nothing (%#)", async (args, message) => {
    repo.write("a.txt", "1\n");
    repo.commit("One");
    const result = runCli(args(repo.dir), test.file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    expect(await count("contributions")).toBe(0);
  });

  it("reports a repository with missing objects and stores no half-read commit", async () => {
    repo.write("a.txt", "first version\n");
    repo.commit("One");
    repo.write("a.txt", "second version\n");
    repo.commit("Two");
    // Delete the blob of the second version: git log --numstat cannot diff without it.
    const blob = repo.git(["rev-parse", "HEAD:a.txt"]).trim();
    fs.rmSync(path.join(repo.dir, ".git/objects", blob.slice(0, 2), blob.slice(2)));

    await expect(importGitHistory({ db: test.db, config, repoPath: repo.dir })).rejects.toThrow(GitImportError);
    const result = runCli([repo.dir], test.file);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/git could not read the history .*repair the repository/);
    expect(await count("contributions")).toBe(0);
    const runs = await test.db.selectFrom("importRuns").select(["status", "message"]).execute();
    expect(runs.every((r) => r.status === "failed" && r.message?.includes("git fsck"))).toBe(true);
  });
});

describe("large batches and failures mid-import", () => {
  it("stores a commit touching more files than one SQLite statement can bind", async () => {
    // 6,000 files × 6 columns is more parameters than SQLite takes in one statement (32,766).
    repo.git(["config", "gc.auto", "0"]); // no background gc racing the clean-up of 6,000 loose objects
    for (let i = 0; i < 6000; i++) repo.write(`Lib/generated/file_${i}.py`, `x = ${i}\n`);
    repo.write("Python/optimizer_bytecodes.c", "int a;\n");
    repo.commit("gh-150000: Regenerate everything (#150001)");

    const summary = await importGitHistory({ db: test.db, config, repoPath: repo.dir });
    expect(summary.added).toBe(1);
    expect(await count("contributionFiles")).toBe(6001);
    const [row] = await contributions();
    expect(row?.fileCount).toBe(6001);
  });

  it("says how many commits it stored when git fails while a batch is being written", async () => {
    for (const n of [1, 2, 3]) {
      repo.write("a.txt", `version ${n}\n`);
      repo.commit(`Change ${n}`);
    }
    // The third commit's blob is gone: git prints the first two, then fails on the third.
    const blob = repo.git(["rev-parse", "HEAD:a.txt"]).trim();
    fs.rmSync(path.join(repo.dir, ".git/objects", blob.slice(0, 2), blob.slice(2)));

    const failure = importGitHistory({ db: test.db, config, repoPath: repo.dir, batchSize: 1 });
    await expect(failure).rejects.toThrow(/The 2 commits before the failure are stored/);
    expect((await contributions()).map((r) => r.title)).toEqual(["Change 1", "Change 2"]);
    const runs = await test.db.selectFrom("importRuns").select(["status", "added"]).execute();
    expect(runs).toEqual([{ status: "failed", added: 2 }]);
  });
});

describe("a killed import", () => {
  it("leaves whole batches behind and the next run completes it, equal to an uninterrupted import", async () => {
    const synthetic = fs.mkdtempSync(path.join(os.tmpdir(), "steward-synth-"));
    createSyntheticRepo(synthetic, { commits: 4000, seed: 3 });
    try {
      const child = spawn(process.execPath, [...importCli, synthetic, "--batch-size", "200"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: test.file },
        stdio: "ignore",
      });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      // Kill it as soon as the first batches are in, mid-import.
      const watcher = openDatabaseUrl(test.file);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await count("contributions", watcher).catch(() => 0)) < 400) {
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill("SIGKILL");
      await exited;
      await watcher.destroy();

      const partial = await count("contributions");
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(4000);
      expect(partial % 200).toBe(0); // whole batches only
      expect(await count("classifications")).toBe(partial);
      const cursor = await test.db
        .selectFrom("meta")
        .select("value")
        .where("key", "like", "git.cursor:%")
        .executeTakeFirstOrThrow();
      const newest = (await contributions()).at(-1);
      expect(cursor.value).toBe(newest?.sha);

      const resumed = runCli([synthetic], test.file);
      expect(resumed.status).toBe(0);
      expect(resumed.stdout).toContain(`${4000 - partial} added`);
      expect(resumed.stdout).toContain("(incremental)");

      const reference = await createTestDatabase();
      try {
        await importGitHistory({ db: reference.db, config, repoPath: synthetic });
        for (const table of [
          "contributions",
          "people",
          "contributionFiles",
          "stageActivity",
          "classifications",
        ] as const) {
          expect(await count(table), table).toBe(await count(table, reference.db));
        }
        const shas = (rows: Array<{ sha: string | null }>) => rows.map((r) => r.sha);
        expect(shas(await contributions())).toEqual(shas(await contributions(reference.db)));
      } finally {
        await reference.close();
      }
      const runs = await test.db
        .selectFrom("importRuns")
        .select(["status", "message", "added"])
        .orderBy("id")
        .execute();
      expect(runs).toEqual([
        { status: "failed", message: "interrupted before it finished", added: partial },
        { status: "done", message: null, added: 4000 - partial },
      ]);
    } finally {
      fs.rmSync(synthetic, { recursive: true, force: true });
    }
  }, 120_000);
});
