import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../app/github.server";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { syncPullRequests } from "../../app/ingest/github-sync.server";
import { listCreditedContributions } from "../../app/models/bus-factor.server";
import { getCoverage } from "../../app/models/coverage.server";
import { listLatestRuns } from "../../app/models/import-run.server";
import { createTestDatabase, defaultConfig, setUpTestDatabase } from "../support/db";
import { TestRepo } from "../support/git-repo";
import { generateRepository, type SimIssue } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";

const config = defaultConfig();
const now = "2026-11-25T12:00:00Z";
const test = setUpTestDatabase({ per: "test" });
let github: GitHubSimulator;

beforeEach(async () => {
  github = await startGitHubSimulator({ repository: generateRepository({ now, pullRequests: 1500, seed: 11 }) });
});
afterEach(async () => {
  await github.close();
});

// The simulator needs no pacing, and a second of back-off after a 502 lasts 10 ms here: github-sync.test.ts
// shows the pacing and the back-off themselves.
const client = () =>
  createGitHubClient({
    token: github.token,
    baseUrl: github.url,
    graphqlIntervalMs: 0,
    searchIntervalMs: 0,
    retryAfterBaseMs: 10,
  });
const sync = (db = test.db, at = now) => syncPullRequests({ db, config, github: client(), now: at });

/** The merged PRs whose files touch a stage path: what discovery must find. */
function stagePullRequests(): SimIssue[] {
  return [...github.repository.issues.values()].filter(
    (i) =>
      i.pr?.mergeCommit &&
      i.pr.files.some((f) => /^(Python\/(optimizer|jit)|Tools\/jit\/|Include\/internal\/pycore_jit)/.test(f.path)),
  );
}

async function count(
  table: "contributions" | "contributionPeople" | "stageActivity" | "contributionFiles",
  db = test.db,
) {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Runs `scripts/sync.ts` as its own process (node with tsx's loader, so a kill reaches the sync itself).
 * Asynchronous: the simulator answers from this very process, so a spawnSync would deadlock.
 */
function startSyncCli(args: string[] = [], env: Record<string, string | undefined> = {}) {
  const root = path.resolve(import.meta.dirname, "../..");
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/sync.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: test.file, GITHUB_API_URL: github.url, GITHUB_TOKEN: github.token, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (status) => resolve({ status, stdout, stderr })),
  );
  return { child, exited };
}

describe("syncing the stages' pull requests", () => {
  it("finds every stage PR through the branch history and stores labels, files and weighed reviews", async () => {
    const expected = stagePullRequests();
    expect(expected.length).toBeGreaterThan(100);
    const namingUmbrellas = [...github.repository.issues.values()].filter(
      (i) =>
        i.isPullRequest &&
        !expected.includes(i) &&
        config.config.umbrellaIssues.some((u) => `${i.title}\n${i.body}`.includes(`gh-${u.number}`)),
    );
    const summary = await sync();
    expect(summary.discovered).toBe(expected.length + namingUmbrellas.length);
    expect(summary.added).toBe(summary.discovered);
    // discovery: 1 repo check, a few history pages, 1 search; details: 25 PRs per request
    expect(summary.requests).toBeLessThanOrEqual(
      3 + Math.ceil(expected.length / 100) + Math.ceil(summary.discovered / 25) + 2,
    );
    // The dashboard's footer tells this run apart from the starter-task sync of the same repository.
    expect(await listLatestRuns(test.db)).toEqual([
      expect.objectContaining({
        source: "github:python/cpython pull requests",
        status: "done",
        added: summary.fetched,
        message: `pull requests: ${summary.discovered} found, ${summary.fetched} fetched`,
      }),
    ]);

    const sample = expected.find((pr) => {
      const states = new Set(pr.pr?.reviews.filter((r) => r.author !== pr.author).map((r) => r.state));
      return states.has("APPROVED") && pr.pr?.reviews.some((r) => r.author === pr.author);
    });
    if (!sample?.pr) throw new Error("the simulator should hold a PR with an approval and a self-review");
    const stored = await test.db
      .selectFrom("contributions as c")
      .innerJoin("contributionPeople as cp", "cp.contributionId", "c.id")
      .innerJoin("people as p", "p.id", "cp.personId")
      .where("c.prNumber", "=", sample.number)
      .select(["c.kind", "c.labels", "p.login", "cp.role", "cp.weight"])
      .execute();
    expect(stored[0]).toMatchObject({ kind: "pull_request", labels: '["topic-JIT"]' });
    expect(stored.find((r) => r.role === "author")?.login).toBe(sample.author);
    const reviewerWeights = Object.fromEntries(
      stored.filter((r) => r.role === "reviewer").map((r) => [r.login, r.weight]),
    );
    const expectedWeights: Record<string, number> = {};
    for (const review of sample.pr.reviews) {
      if (review.author === sample.author) continue;
      const weight = review.state === "COMMENTED" ? 0.5 : 1;
      expectedWeights[review.author] = Math.max(expectedWeights[review.author] ?? 0, weight);
    }
    expect(reviewerWeights).toEqual(expectedWeights);
    expect(reviewerWeights[sample.author]).toBeUndefined(); // a self-review counts nothing

    const reviewCredit = await test.db
      .selectFrom("stageActivity as a")
      .innerJoin("contributions as c", "c.id", "a.contributionId")
      .innerJoin("people as p", "p.id", "a.personId")
      .where("c.prNumber", "=", sample.number)
      .select(["p.login", "a.weight", "a.occurredAt"])
      .execute();
    for (const [login, weight] of Object.entries(expectedWeights)) {
      // Dated by the reviewer's latest counting review, not by the PR's merge.
      const latest = sample.pr.reviews
        .filter((r) => r.author === login)
        .map((r) => r.submittedAt)
        .sort()
        .at(-1);
      expect(reviewCredit).toContainEqual({ login, weight, occurredAt: latest });
    }

    // The stage page's evidence says the reviewer reviewed it (not authored it).
    const [reviewerLogin] = Object.keys(expectedWeights);
    const reviewer = await test.db
      .selectFrom("people")
      .select("id")
      .where("login", "=", reviewerLogin ?? "")
      .executeTakeFirstOrThrow();
    const stage = await test.db
      .selectFrom("contributionStages as s")
      .innerJoin("contributions as c", "c.id", "s.contributionId")
      .where("c.prNumber", "=", sample.number)
      .select("s.stageId")
      .executeTakeFirstOrThrow();
    const credited = await listCreditedContributions(test.db, {
      stageId: stage.stageId,
      personIds: [reviewer.id],
      window: { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" },
      limit: 1000,
    });
    const entry = credited.get(reviewer.id)?.find((c) => c.prNumber === sample.number);
    expect(entry?.roles).toEqual(["reviewer"]);
  });

  it("spends four requests when nothing changed, and fetches only what did", async () => {
    await sync();
    const quiet = await sync(test.db, "2026-11-25T13:00:00Z");
    // The repository check, the history, the search, and CODEOWNERS (read every time: it is one small file).
    expect(quiet).toMatchObject({ discovered: 0, fetched: 0, requests: 4 });

    const pr = stagePullRequests()[0];
    if (!pr?.pr) throw new Error("no stage PR in the simulator");
    pr.pr.mergedAt = "2026-11-25T13:30:00Z";
    pr.updatedAt = "2026-11-25T13:30:00Z";
    pr.pr.reviews.push({ author: "praman", state: "APPROVED", submittedAt: "2026-11-25T13:20:00Z" });
    const changed = await sync(test.db, "2026-11-25T14:00:00Z");
    expect(changed).toMatchObject({ discovered: 1, fetched: 1, updated: 1 });
  });

  it("records what it covers: from --since to the day it ran, the start kept by later syncs", async () => {
    await syncPullRequests({ db: test.db, config, github: client(), now, since: "2026-01-01" });
    await sync(test.db, "2026-11-26T09:00:00Z");
    expect((await getCoverage(test.db))?.sources).toEqual([
      { source: "github:python/cpython", from: "2026-01-01", to: "2026-11-26", fromStart: false },
    ]);
  });

  it("makes a PR and its squash commit one contribution, whichever arrives first", async () => {
    const [first, second] = stagePullRequests();
    if (!first || !second) throw new Error("need two stage PRs");
    const repo = TestRepo.create();
    try {
      // Authors known to git only by e-mail; GitHub knows them as the PRs' authors.
      const gitAuthor = (pr: SimIssue) => ({ name: `Person ${pr.number}`, email: `person${pr.number}@corp.example` });
      repo.write("Python/jit.c", "one\n");
      repo.commit(`gh-1: First change (#${first.number})`, { date: "2026-01-01T00:00:00Z", author: gitAuthor(first) });
      await importGitHistory({ db: test.db, config, repoPath: repo.dir }); // git first for `first`
      await sync(); // GitHub first for `second`
      repo.write("Python/jit.c", "two\n");
      repo.commit(`gh-2: Second change (#${second.number})`, {
        date: "2026-01-02T00:00:00Z",
        author: gitAuthor(second),
      });
      await importGitHistory({ db: test.db, config, repoPath: repo.dir });

      for (const pr of [first, second]) {
        const rows = await test.db
          .selectFrom("contributions")
          .select(["kind", "sha", "source"])
          .where("prNumber", "=", pr.number)
          .execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ kind: "commit", source: "git" });
        expect(rows[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
        const roles = await test.db
          .selectFrom("contributionPeople as cp")
          .innerJoin("contributions as c", "c.id", "cp.contributionId")
          .where("c.prNumber", "=", pr.number)
          .select("cp.role")
          .execute();
        expect(roles.map((r) => r.role)).toContain("author");
        const author = await test.db
          .selectFrom("contributionPeople as cp")
          .innerJoin("contributions as c", "c.id", "cp.contributionId")
          .innerJoin("people as p", "p.id", "cp.personId")
          .where("c.prNumber", "=", pr.number)
          .where("cp.role", "=", "author")
          .select(["p.id", "p.login", "p.avatarUrl"])
          .executeTakeFirstOrThrow();
        // git's e-mail identity and GitHub's account are one person now.
        expect(author).toMatchObject({
          login: pr.author,
          avatarUrl: `https://avatars.githubusercontent.com/${pr.author}`,
        });
        const email = await test.db
          .selectFrom("identities")
          .select("personId")
          .where("kind", "=", "email")
          .where("value", "=", `person${pr.number}@corp.example`)
          .executeTakeFirstOrThrow();
        expect(email.personId).toBe(author.id);
        const namesakes = await test.db.selectFrom("people").select("id").where("login", "=", pr.author).execute();
        expect(namesakes).toHaveLength(1);
        expect(roles.some((r) => r.role === "reviewer")).toBe(
          pr.pr?.reviews.some((r) => r.author !== pr.author) ?? false,
        );
      }
    } finally {
      repo.remove();
    }
  });
});

describe("interrupted and failing syncs", () => {
  it("survives a SIGKILL of `npm run sync` at any moment: the rerun ends equal to an uninterrupted sync", async () => {
    const { child, exited } = startSyncCli();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await count("contributions").catch(() => 0)) < 25)
      await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await exited;
    const partial = await count("contributions");
    expect(partial).toBeGreaterThan(0);
    expect(partial % 25).toBe(0); // whole batches only

    const rerun = await startSyncCli().exited;
    expect(rerun.stderr).toBe("");
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toMatch(/Pull requests of the stages: \d+ found/);
    const reference = await createTestDatabase();
    try {
      await sync(reference.db);
      expect(partial).toBeLessThan(await count("contributions", reference.db)); // the kill did land mid-way
      for (const table of ["contributions", "contributionPeople", "stageActivity", "contributionFiles"] as const) {
        expect(await count(table), table).toBe(await count(table, reference.db));
      }
    } finally {
      await reference.close();
    }
  }, 120_000);

  it("resumes after dying mid-way and ends equal to an uninterrupted sync", async () => {
    // GraphQL keeps failing after the discovery request and two detail batches.
    github.fail({ kind: "server-error", status: 502 }, { path: /^\/graphql$/, after: 3, times: 4 }); // 1 try + 3 retries
    await expect(sync()).rejects.toThrow(/502/);
    const partial = await count("contributions");
    expect(partial).toBe(50);

    await sync();
    const reference = await createTestDatabase();
    try {
      await sync(reference.db);
      for (const table of ["contributions", "contributionPeople", "stageActivity", "contributionFiles"] as const) {
        expect(await count(table), table).toBe(await count(table, reference.db));
      }
    } finally {
      await reference.close();
    }
  }, 60_000);

  it("stops on a GraphQL error with a clear message and stores no part of the batch", async () => {
    github.fail({ kind: "graphql-error" }, { path: /^\/graphql$/, after: 1 });
    await expect(sync()).rejects.toThrow(
      /^GitHub's GraphQL API answered with an error for python\/cpython: .*Could not resolve to a PullRequest/,
    );
    expect(await count("contributions")).toBe(0);
  });

  it("validates queries against GitHub's published schema, as GitHub does", async () => {
    const response = await fetch(`${github.url}/graphql`, {
      method: "POST",
      headers: { authorization: `token ${github.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        query: '{ repository(owner: "python", name: "cpython") { pullRequest(number: 1) { reviewers } } }',
      }),
    });
    const body = (await response.json()) as { errors?: Array<{ message: string }> };
    expect(response.status).toBe(200);
    expect(body.errors?.[0]?.message).toContain('Cannot query field "reviewers" on type "PullRequest".');
  });
});

describe("npm run sync", () => {
  it.each([
    ["no token", [], { GITHUB_TOKEN: "" }, /GITHUB_TOKEN is not set\. Create a token that can read python\/cpython/],
    [
      "a bad token",
      [],
      { GITHUB_TOKEN: "wrong" },
      /GitHub rejected the token \(401 Bad credentials\)\. Set GITHUB_TOKEN/,
    ],
    [
      "a missing repository",
      ["python/cpytho"],
      {},
      /GitHub has no repository python\/cpytho visible to this token \(404\)/,
    ],
    ["a bad date", ["--since", "2024-13-01"], {}, /--since 2024-13-01 is not a date; write it as YYYY-MM-DD/],
  ])(
    "refuses %s with a message that says what to fix, a non-zero exit and nothing written",
    async (_name, args, env, message) => {
      const result = await startSyncCli(args, env).exited;
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(await count("contributions")).toBe(0);
      expect(await test.db.selectFrom("importRuns").selectAll().execute()).toEqual([]);
    },
    60_000,
  );
});
