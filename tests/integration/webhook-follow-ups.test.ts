import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../app/github.server";
import { syncPullRequests } from "../../app/ingest/github-sync.server";
import { pullRequestRefreshJob } from "../../app/jobs/pull-request-refresh-job.server";
import {
  closeFollowUpQueues,
  createScheduler,
  followUpSettings,
  readJobTimings,
} from "../../app/jobs/scheduled-jobs.server";
import type { Scheduler } from "../../app/jobs/scheduler.server";
import { loader as dashboardLoader } from "../../app/routes/_index";
import { action } from "../../app/routes/webhooks.github";
import { defaultConfig, onSqlite, setUpTestDatabase } from "../support/db";
import { addPullRequest, commitSha, generateRepository, type SimIssue } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";
import { pullRequestPayload, reviewPayload, signedDelivery } from "../support/webhook-deliveries";
import { waitFor as waitUntil } from "../support/waiting";

// A webhook's follow-up (fetching the delivered pull request's files and reviews) through the scheduler
// the app's database gets: the in-process timer and its job_queue table on SQLite, pg-boss on PostgreSQL.

const config = defaultConfig();
const secret = "follow-up-secret";
const job = "pull-request-refresh";
const test = setUpTestDatabase({ per: "test", asAppDatabase: true });
const settings = ["GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_WEBHOOK_SECRET", "STEWARD_TEST_JOB_TIMINGS"] as const;
// Polled every half second, retried once a second after a failure: the web server (which sends
// follow-ups) and the scheduler (which runs them) read the same timings, as in an app instance.
const timings = { pollMs: 500, maintenanceSeconds: 1, followUpRetries: 1, followUpRetryDelayMs: 1000 };
let github: GitHubSimulator;
let schedulers: Scheduler[] = [];
let delivery = 0;
const events: string[] = [];

beforeEach(async () => {
  events.length = 0;
  github = await startGitHubSimulator({
    repository: generateRepository({ now: new Date().toISOString(), pullRequests: 20, seed: 3 }),
  });
  Object.assign(process.env, {
    GITHUB_TOKEN: github.token,
    GITHUB_API_URL: github.url,
    GITHUB_WEBHOOK_SECRET: secret,
    STEWARD_TEST_JOB_TIMINGS: JSON.stringify(timings),
  });
});
afterEach(async () => {
  for (const scheduler of schedulers) await scheduler.stop();
  schedulers = [];
  await closeFollowUpQueues();
  await github.close();
  for (const name of settings) delete process.env[name];
});

/** The app's scheduler, as `npm start` runs it beside the web server, working the follow-ups only. */
async function startScheduler() {
  // Octokit's own retries off, so a 502 fails the attempt at once.
  const client = createGitHubClient({ token: github.token, baseUrl: github.url, graphqlIntervalMs: 0, retries: 0 });
  const scheduler = createScheduler({ databaseUrl: test.file, db: test.db, onEvent: (m) => events.push(m), timings });
  schedulers.push(scheduler);
  const refresh = pullRequestRefreshJob({
    db: test.db,
    config,
    github: client,
    settings: followUpSettings(readJobTimings()),
  });
  await scheduler.start([], [refresh]);
  return scheduler;
}

async function deliver(event: string, payload: unknown) {
  const { headers, body } = signedDelivery(secret, { event, id: `follow-up-${++delivery}`, payload });
  const response = await action({
    request: new Request("http://steward.test/webhooks/github", { method: "POST", headers, body }),
    params: {},
    context: {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Follow-ups waiting to run (not running, not done): job_queue's on SQLite, pg-boss's on PostgreSQL. With
 * `running`, the ones running too: once there are none, nothing more can run.
 */
async function waiting({ running = false } = {}): Promise<string[]> {
  if (onSqlite) {
    const rows = await test.db
      .selectFrom("jobQueue")
      .select("key")
      .where("state", "in", running ? ["queued", "running"] : ["queued"])
      .execute();
    return rows.map((r) => r.key);
  }
  const { rows: made } = await sql<{ table: string | null }>`select to_regclass('pgboss.job')::text as table`.execute(
    test.db,
  );
  if (!made[0]?.table) return []; // pg-boss never started on this database: nothing was ever queued
  const states = running ? ["created", "retry", "active"] : ["created", "retry"];
  const { rows } = await sql<{ key: string }>`
    select singleton_key as key from pgboss.job where name = ${job} and state in (${sql.join(states)})`.execute(
    test.db,
  );
  return rows.map((r) => r.key);
}

const runs = () =>
  test.db
    .selectFrom("jobRuns")
    .select(["runKey", "attempt", "outcome", "error", "deadLetter"])
    .where("job", "=", job)
    .orderBy("id")
    .execute();

const waitFor = <T>(what: string, check: () => Promise<T | undefined | false>) =>
  waitUntil(what, check, { explain: async () => `runs: ${JSON.stringify(await runs())}; events: ${events}` });

/** The stages a stored pull request is labelled with, and how many files it has. */
async function stored(pr: SimIssue) {
  const contribution = await test.db
    .selectFrom("contributions")
    .select(["id", "fileCount"])
    .where("prNumber", "=", pr.number)
    .executeTakeFirst();
  if (!contribution) return null;
  const stages = await test.db
    .selectFrom("contributionStages")
    .select("stageId")
    .where("contributionId", "=", contribution.id)
    .execute();
  return { files: Number(contribution.fileCount), stages: stages.map((s) => s.stageId).sort() };
}

/** The dashboard footer's lines about follow-ups, as its loader gives them. */
async function footer(): Promise<Array<{ text: string; failed: boolean }>> {
  const dashboard = await dashboardLoader({ request: new Request("http://steward.test/"), params: {}, context: {} });
  return dashboard.schedule.filter((line) => line.job === job).map(({ text, failed }) => ({ text, failed }));
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");

function newPullRequest(author = "first-timer") {
  return addPullRequest(github.repository, {
    author,
    title: "Teach the optimizer that _GUARD_TYPE_VERSION holds after a store",
    files: [{ path: "Python/optimizer_analysis.c", additions: 40, deletions: 3 }],
    createdAt: daysAgo(1),
  });
}

describe("webhooks' follow-ups", () => {
  it("a burst of deliveries for one PR queues one fetch, which runs once and labels the PR", async () => {
    const pr = newPullRequest();
    const opened = await deliver("pull_request", pullRequestPayload(pr, "opened"));
    expect(opened).toMatchObject({
      status: 201,
      body: { outcome: "applied", followUp: `Fetching #${pr.number}'s files and reviews from GitHub.` },
    });
    for (const action of ["labeled", "synchronize"] as const) {
      expect((await deliver("pull_request", pullRequestPayload(pr, action))).body).toMatchObject({
        outcome: "applied",
        followUp: `A fetch of #${pr.number}'s files and reviews is already waiting; it will read this change too.`,
      });
    }
    expect(await waiting()).toEqual([String(pr.number)]);
    // The payloads carry no files: stored bare, no stage yet.
    expect(await stored(pr)).toEqual({ files: 0, stages: [] });

    await startScheduler();
    await waitFor("the follow-up to run", async () => (await runs()).some((r) => r.outcome === "ok"));
    // Nothing is left to run: the queue holds nothing waiting or running.
    await waitFor("the queue to be empty", async () => (await waiting({ running: true })).length === 0);
    const done = await runs();
    expect(done).toEqual([
      {
        runKey: expect.stringMatching(new RegExp(`^${job}#${pr.number}@`)),
        attempt: 1,
        outcome: "ok",
        error: null,
        deadLetter: 0,
      },
    ]);
    expect(await stored(pr)).toEqual({ files: 1, stages: ["middle-end"] });
    expect(await waiting()).toEqual([]);
    expect(github.log.filter((r) => r.path === "/graphql")).toHaveLength(1);

    // A review delivered later queues another fetch, which brings the review (and its credit).
    pr.pr!.reviews.push({ author: "mokafor", state: "APPROVED", submittedAt: daysAgo(0) });
    const review = await deliver("pull_request_review", reviewPayload(pr, "mokafor", daysAgo(0)));
    expect(review.body).toMatchObject({ outcome: "applied", followUp: expect.stringMatching(/^Fetching/) });
    await waitFor("the review's follow-up", async () => (await runs()).filter((r) => r.outcome === "ok").length === 2);
    const reviewers = await test.db
      .selectFrom("contributionPeople as cp")
      .innerJoin("contributions as c", "c.id", "cp.contributionId")
      .innerJoin("people as p", "p.id", "cp.personId")
      .select(["p.login", "cp.weight"])
      .where("c.prNumber", "=", pr.number)
      .where("cp.role", "=", "reviewer")
      .execute();
    expect(reviewers).toEqual([{ login: "mokafor", weight: 1 }]);
  });

  it("a follow-up queued while the app is down runs once it is back, and only once", async () => {
    const before = newPullRequest("early-bird");
    const scheduler = await startScheduler();
    await deliver("pull_request", pullRequestPayload(before, "opened"));
    await waitFor("the first follow-up", async () => (await runs()).some((r) => r.outcome === "ok"));
    await scheduler.stop(); // the app stops (npm start's process ends)

    const meanwhile = newPullRequest("night-owl");
    expect((await deliver("pull_request", pullRequestPayload(meanwhile, "opened"))).body).toMatchObject({
      followUp: `Fetching #${meanwhile.number}'s files and reviews from GitHub.`,
    });
    expect(await waiting()).toEqual([String(meanwhile.number)]);

    await startScheduler(); // and starts again
    await waitFor(
      "the follow-up queued meanwhile",
      async () => (await runs()).length === 2 && (await runs())[1]!.outcome === "ok",
    );
    await waitFor("the queue to be empty", async () => (await waiting({ running: true })).length === 0);
    expect((await runs()).map((r) => [r.runKey.replace(/@.*/, ""), r.attempt, r.outcome])).toEqual([
      [`${job}#${before.number}`, 1, "ok"],
      [`${job}#${meanwhile.number}`, 1, "ok"],
    ]);
    expect(await stored(meanwhile)).toEqual({ files: 1, stages: ["middle-end"] });
  });

  it("a follow-up that keeps failing is retried with backoff, then recorded as a dead letter", async () => {
    const pr = newPullRequest("unlucky");
    pr.title = "Narrow <b>types</b> & guards";
    github.fail({ kind: "server-error", status: 502 }, { times: 10, path: /^\/graphql$/ });
    await deliver("pull_request", pullRequestPayload(pr, "opened"));
    expect(await footer()).toEqual([]);
    await startScheduler();
    const rows = await waitFor("a dead letter", async () => {
      const all = await runs();
      return all.some((r) => r.deadLetter === 1) && all;
    });
    expect(rows.map((r) => [r.attempt, r.outcome, r.deadLetter])).toEqual([
      [1, "failed", 0],
      [2, "failed", 1],
    ]);
    expect(new Set(rows.map((r) => r.runKey)).size).toBe(1);
    expect(rows[0]!.error).toMatch(/502|Server Error/);
    await waitFor("the queue to be empty", async () => (await waiting()).length === 0);
    // Still stored bare: its next delivery (or, once merged, the next sync) fetches it.
    expect(await stored(pr)).toEqual({ files: 0, stages: [] });
    // The dashboard's footer says so, naming the pull request (its title as it was written) and the error.
    expect(await footer()).toEqual([
      {
        text: expect.stringMatching(
          new RegExp(
            `^A pull request follow-up failed after its retries: #${pr.number} “Narrow <b>types</b> & guards” at \\d{4}-\\d{2}-\\d{2} [\\d:]+ UTC: .*(502|Server Error).*\\. That pull request is fetched again at its next webhook delivery or, once merged, by the next sync\\.$`,
          ),
        ),
        failed: true,
      },
    ]);
  });

  it("the footer counts follow-ups given up on, and what it says fetches their pull requests does", async () => {
    const open = newPullRequest("still-open");
    const merging = newPullRequest("soon-merged");
    // Two attempts each fail: then GitHub answers again.
    github.fail({ kind: "server-error", status: 502 }, { times: 4, path: /^\/graphql$/ });
    await deliver("pull_request", pullRequestPayload(open, "opened"));
    await deliver("pull_request", pullRequestPayload(merging, "opened"));
    await startScheduler();
    await waitFor("two dead letters", async () => (await runs()).filter((r) => r.deadLetter === 1).length === 2);
    const [line] = await footer();
    expect(line).toEqual({
      text: expect.stringMatching(
        new RegExp(
          `^2 pull request follow-ups failed after their retries since .+ UTC; the latest, #(${open.number}|${merging.number}) “Teach the optimizer that _GUARD_TYPE_VERSION holds after a…” at .+ UTC: .*(502|Server Error).*\\. Those pull requests are fetched again at their next webhook delivery or, once merged, by the next sync\\.$`,
        ),
      ),
      failed: true,
    });

    // At its next delivery, the open one.
    await deliver("pull_request", pullRequestPayload(open, "synchronize"));
    await waitFor("the open PR's next follow-up", async () => (await runs()).some((r) => r.outcome === "ok"));
    expect(await stored(open)).toEqual({ files: 1, stages: ["middle-end"] });

    // Once merged, by the next sync (which finds merged pull requests by the stages' files).
    merging.state = "closed";
    merging.updatedAt = daysAgo(0);
    merging.pr!.mergedAt = daysAgo(0);
    merging.pr!.mergeCommit = commitSha(merging.number);
    expect(await stored(merging)).toEqual({ files: 0, stages: [] });
    const client = createGitHubClient({ token: github.token, baseUrl: github.url, graphqlIntervalMs: 0, retries: 0 });
    await syncPullRequests({ db: test.db, config, github: client });
    expect(await stored(merging)).toEqual({ files: 1, stages: ["middle-end"] });
  });

  it("the footer says how many follow-ups wait when the queue is backed up, and stops once it is worked", async () => {
    const first = newPullRequest("queued-one");
    const second = newPullRequest("queued-two");
    await deliver("pull_request", pullRequestPayload(first, "opened"));
    await deliver("pull_request", pullRequestPayload(second, "opened"));
    expect((await waiting()).sort()).toEqual([String(first.number), String(second.number)]);
    // Due just now: not backed up (a scheduler takes a follow-up within seconds).
    expect(await footer()).toEqual([]);

    // Due two minutes ago and still waiting, as when no scheduler works the queue.
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    if (onSqlite) await test.db.updateTable("jobQueue").set({ runAfter: twoMinutesAgo }).execute();
    else
      await sql`update pgboss.job set start_after = ${twoMinutesAgo}::timestamptz where name = ${job} and state = 'created'`.execute(
        test.db,
      );
    expect(await footer()).toEqual([
      {
        text: expect.stringMatching(
          /^2 pull request follow-ups are waiting, the oldest due since \d{4}-\d{2}-\d{2} [\d:]+ UTC: is the app's scheduler running\?/,
        ),
        failed: true,
      },
    ]);

    await startScheduler();
    await waitFor("both follow-ups", async () => (await runs()).filter((r) => r.outcome === "ok").length === 2);
    await waitFor("the queue to be empty", async () => (await waiting()).length === 0);
    expect(await footer()).toEqual([]);
  });

  it.runIf(onSqlite)("a run the previous process left going (it died mid-fetch) runs again at start", async () => {
    const pr = newPullRequest("interrupted");
    await deliver("pull_request", pullRequestPayload(pr, "opened"));
    // What a process killed mid-run leaves: its claim on the row, its attempt marked running.
    const row = await test.db.selectFrom("jobQueue").select("id").executeTakeFirstOrThrow();
    await test.db.updateTable("jobQueue").set({ state: "running", attempts: 1, instance: "dead:1" }).execute();
    const runKey = `${job}#${pr.number}@${row.id}`;
    await test.db
      .insertInto("jobRuns")
      .values({
        job,
        runKey,
        scheduledFor: daysAgo(0),
        attempt: 1,
        startedAt: daysAgo(0),
        finishedAt: null,
        outcome: "running",
        error: null,
        instance: "dead:1",
      })
      .execute();

    await startScheduler();
    await waitFor("the run to finish", async () => (await runs()).some((r) => r.outcome === "ok"));
    expect((await runs()).map((r) => [r.runKey, r.attempt, r.outcome, r.error])).toEqual([
      [runKey, 1, "failed", "stopped before it finished: the process running it ended"],
      [runKey, 2, "ok", null],
    ]);
    expect(await stored(pr)).toEqual({ files: 1, stages: ["middle-end"] });
    expect(await test.db.selectFrom("jobQueue").selectAll().execute()).toEqual([]);
  });

  it("without GITHUB_TOKEN nothing is queued, and the answer and the dashboard say a sync fetches the files once the PR is merged", async () => {
    delete process.env.GITHUB_TOKEN;
    const pr = newPullRequest("no-token");
    const answer = await deliver("pull_request", pullRequestPayload(pr, "opened"));
    expect(answer).toMatchObject({
      status: 201,
      body: {
        outcome: "applied",
        followUp: `Stored #${pr.number} without its files and reviews: GITHUB_TOKEN is not set, so they wait for a sync, which fetches the pull request once it is merged.`,
      },
    });
    expect(await waiting()).toEqual([]);
    const dashboard = await dashboardLoader({ request: new Request("http://steward.test/"), params: {}, context: {} });
    expect(dashboard.followUpsOff).toMatch(
      /GITHUB_TOKEN is not set to fetch them: their stages wait for a sync, which fetches a pull request once it is merged/,
    );
    process.env.GITHUB_TOKEN = github.token;
    const withToken = await dashboardLoader({ request: new Request("http://steward.test/"), params: {}, context: {} });
    expect(withToken.followUpsOff).toBeNull();
  });
});
