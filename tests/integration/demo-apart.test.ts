import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDemo } from "../../app/demo/seed.server";
import { createGitHubClient } from "../../app/github.server";
import { DemoDataError } from "../../app/ingest/demo-apart.server";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { syncPullRequests, syncStarterTasks } from "../../app/ingest/github-sync.server";
import { holdsDemoData } from "../../app/models/database-contents.server";
import { getMeta } from "../../app/models/meta.server";
import { action as webhookAction } from "../../app/routes/webhooks.github";
import type { Database } from "../../db/database";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { people } from "../support/factories";
import { TestRepo } from "../support/git-repo";
import { generateRepository } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";

const config = defaultConfig();
const now = "2026-11-25T12:00:00Z";
const root = path.resolve(import.meta.dirname, "../..");
const test = setUpTestDatabase({ per: "test", asAppDatabase: true });
const secret = "webhook-secret-for-demo-tests";
let repo: TestRepo;

beforeEach(async () => {
  repo = TestRepo.create();
  repo.write("Python/optimizer_bytecodes.c", "int a;\n");
  repo.commit("gh-134584: Eliminate redundant refcounting from _BINARY_OP (#135001)", {
    date: "2026-10-01T10:00:00Z",
    author: people.alice,
  });
  await seedDemo(test.db, { config, anchorDate: "2026-11-25" });
});
afterEach(() => {
  repo.remove();
});

/** What a database holds, to show that a refusal wrote nothing. */
async function contents(db: Database = test.db) {
  const count = async (table: "contributions" | "people" | "starterTasks" | "importRuns" | "meta") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const sources = await db.selectFrom("contributions").select("source").distinct().orderBy("source").execute();
  return {
    contributions: await count("contributions"),
    people: await count("people"),
    starterTasks: await count("starterTasks"),
    importRuns: await count("importRuns"),
    meta: await count("meta"),
    sources: sources.map((s) => s.source),
  };
}

function runImportCli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/import-git.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: test.file },
    encoding: "utf8",
  });
}

/** The sync CLI as its own process; asynchronous, since the simulator answers from this one. */
function runSyncCli(args: string[], simulator: GitHubSimulator) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/sync.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: test.file, GITHUB_API_URL: simulator.url, GITHUB_TOKEN: simulator.token },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (status) => resolve({ status, stdout, stderr })),
  );
}

describe("a git import into the demo database", () => {
  it("refuses before writing anything, saying how to start a fresh database", async () => {
    const before = await contents();
    expect(before.sources).toEqual(["demo"]);
    const refused = importGitHistory({ db: test.db, config, repoPath: repo.dir });
    await expect(refused).rejects.toThrow(DemoDataError);
    await expect(refused).rejects.toThrow(
      /holds the demo data set.*DATABASE_URL=data\/cpython\.sqlite.*--replace-demo/,
    );
    expect(await contents()).toEqual(before);

    const cli = runImportCli([repo.dir]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(
      `steward: ${test.file} holds the demo data set, and demo and real data must never mix.`,
    );
    expect(cli.stderr).toContain("Import into a new file with DATABASE_URL=data/cpython.sqlite");
    expect(cli.stderr).toContain("pass --replace-demo to delete the demo first");
    expect(await contents()).toEqual(before);
  });

  it("deletes the demo first with --replace-demo, leaving the real history alone in the database", async () => {
    const summary = await importGitHistory({ db: test.db, config, repoPath: repo.dir, replaceDemo: true });
    expect(summary).toMatchObject({ added: 1, people: 1, replacedDemo: true });
    expect(await contents()).toMatchObject({ contributions: 1, people: 1, starterTasks: 0, sources: ["git"] });
    expect(await getMeta(test.db, "demo")).toBeNull(); // no demo banner
    expect(await holdsDemoData(test.db)).toBe(false);
  });

  it("deletes the demo through the CLI's --replace-demo and says so", async () => {
    const cli = runImportCli([repo.dir, "--replace-demo"]);
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain(`Deleted the demo data set from ${test.file}.`);
    expect(cli.stdout).toMatch(/1 commits read, 1 added/);
    expect(await contents()).toMatchObject({ contributions: 1, sources: ["git"] });
  });

  it("never deletes real data, whatever --replace-demo says", async () => {
    await importGitHistory({ db: test.db, config, repoPath: repo.dir, replaceDemo: true });
    repo.write("Python/jit.c", "int b;\n");
    repo.commit("Emit stencils for _CALL_LEN (#135002)", { date: "2026-10-02T10:00:00Z", author: people.carol });
    const again = await importGitHistory({ db: test.db, config, repoPath: repo.dir, replaceDemo: true });
    expect(again).toMatchObject({ added: 1, replacedDemo: false, incremental: true });
    expect(await contents()).toMatchObject({ contributions: 2, sources: ["git"] });
  });

  it("counts demo rows an interrupted seed left without its flag as the demo", async () => {
    await test.db.deleteFrom("meta").where("key", "=", "demo").execute();
    expect(await holdsDemoData(test.db)).toBe(true);
    await expect(importGitHistory({ db: test.db, config, repoPath: repo.dir })).rejects.toThrow(DemoDataError);
  });
});

describe("a GitHub sync into the demo database", () => {
  let github: GitHubSimulator;
  beforeEach(async () => {
    github = await startGitHubSimulator({ repository: generateRepository({ now, pullRequests: 60, seed: 5 }) });
  });
  afterEach(async () => {
    await github.close();
  });
  const client = () =>
    createGitHubClient({ token: github.token, baseUrl: github.url, graphqlIntervalMs: 0, searchIntervalMs: 0 });

  it("refuses both syncs before writing anything, and replaces the demo when asked", async () => {
    const before = await contents();
    await expect(syncPullRequests({ db: test.db, config, github: client(), now })).rejects.toThrow(DemoDataError);
    await expect(syncStarterTasks({ db: test.db, config, github: client(), now })).rejects.toThrow(DemoDataError);
    expect(await contents()).toEqual(before);

    const prs = await syncPullRequests({ db: test.db, config, github: client(), now, replaceDemo: true });
    expect(prs.replacedDemo).toBe(true);
    expect(prs.added).toBeGreaterThan(0);
    const tasks = await syncStarterTasks({ db: test.db, config, github: client(), now, replaceDemo: true });
    expect(tasks.replacedDemo).toBe(false); // the first sync already replaced it
    const after = await contents();
    expect(after.sources).toEqual(["github"]);
    expect(after.contributions).toBe(prs.added);
    expect(await getMeta(test.db, "demo")).toBeNull();
  });

  it("refuses through the CLI with a non-zero exit, and replaces the demo with --replace-demo", async () => {
    const before = await contents();
    const refused = await runSyncCli([], github);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`steward: ${test.file} holds the demo data set`);
    expect(refused.stderr).toContain("Sync into a new file with DATABASE_URL=data/cpython.sqlite");
    expect(await contents()).toEqual(before);

    const replaced = await runSyncCli(["--replace-demo"], github);
    expect(replaced.stderr).toBe("");
    expect(replaced.status).toBe(0);
    expect(replaced.stdout).toContain(`Deleted the demo data set from ${test.file}.`);
    expect((await contents()).sources).toEqual(["github"]);
  }, 60_000);
});

describe("a webhook delivery to the demo database", () => {
  it("is refused with a 409 and not recorded, so GitHub can redeliver it once real data is served", async () => {
    process.env.GITHUB_WEBHOOK_SECRET = secret;
    const before = await contents();
    const body = JSON.stringify({
      action: "opened",
      repository: { full_name: "python/cpython" },
      pull_request: {
        number: 135009,
        title: "gh-134584: Eliminate redundant refcounting from _CALL_LEN",
        user: { login: "mokafor" },
        labels: [],
        created_at: "2026-11-20T09:00:00Z",
      },
    });
    const response = await webhookAction({
      request: new Request("http://steward.test/webhooks/github", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "pull_request",
          "x-github-delivery": "demo-1",
          "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
        },
        body,
      }),
      params: {},
      context: {},
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /^This Steward serves the demo data set, .*the delivery was not applied.*redeliver\.$/,
    );
    expect(await contents()).toEqual(before);
    expect(await test.db.selectFrom("webhookDeliveries").selectAll().execute()).toEqual([]);
  });
});
