import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, GitHubError, searchOpenPullRequests } from "../../app/github.server";
import { syncStarterTasks } from "../../app/ingest/github-sync.server";
import { listLatestRuns } from "../../app/models/import-run.server";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { generateRepository, refcountItems } from "../support/github-simulator/data";
import { startGitHubSimulator, type Fault, type GitHubSimulator } from "../support/github-simulator/server";

const config = defaultConfig();
const now = "2026-11-25T12:00:00Z";
const test = setUpTestDatabase({ per: "test" });
let github: GitHubSimulator;

beforeEach(async () => {
  github = await startGitHubSimulator({ repository: generateRepository({ now, pullRequests: 3000 }) });
});
afterEach(async () => {
  await github.close();
});

// GitHub's waits and pacing, shrunk so that they show without costing seconds: each second of a wait (a
// Retry-After, a retry's back-off) lasts secondMs, and searches go searchIntervalMs apart (2 s on GitHub).
// The simulator's log says when each request arrived, which shows both happened.
const secondMs = 50;
const searchIntervalMs = 300;
// A retry leaves after the failure arrived, so it arrives at least its wait later (timers may round a
// millisecond or so). Paced requests are spaced when they leave the client; how long each then takes on
// its way varies on a busy machine, so the spacing of their arrivals is not the pacing. The k-th of
// requests asked for at once, though, cannot arrive before k intervals after they were asked for.
const timerSlackMs = 5;

function client(token = github.token, waits: string[] = [], { realSeconds = false } = {}) {
  return createGitHubClient({
    token,
    baseUrl: github.url,
    onWait: (m) => waits.push(m),
    searchIntervalMs,
    retryAfterBaseMs: realSeconds ? undefined : secondMs,
  });
}

async function sync(options: { token?: string; waits?: string[]; at?: string; realSeconds?: boolean } = {}) {
  return syncStarterTasks({
    db: test.db,
    config,
    github: client(options.token, options.waits, options),
    now: options.at ?? now,
  });
}

/** When the requests whose path matches `path` arrived. */
function arrivals(path: RegExp): number[] {
  return github.log.filter((r) => path.test(r.path.split("?")[0] ?? "")).map((r) => r.at);
}

/** Milliseconds between consecutive requests whose path matches `path`. */
function gaps(path: RegExp): number[] {
  const times = arrivals(path);
  return times.slice(1).map((at, i) => at - (times[i] ?? at));
}

async function tasks() {
  const rows = await test.db
    .selectFrom("starterTasks as t")
    .leftJoin("people as p", "p.id", "t.claimedByPersonId")
    .select(["t.key", "t.stageId", "t.state", "p.login", "t.claimKind", "t.claimEvidence", "t.claimedAt", "t.source"])
    .orderBy("t.key")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.key, r]));
}

describe("syncing starter tasks from GitHub", () => {
  it("reads umbrella checklists and labelled issues with their claims and stages", async () => {
    const summary = await sync();
    expect(summary).toMatchObject({
      repository: "python/cpython",
      changed: true,
      tasks: { open: 8, claimed: 6, done: 10 },
    });
    expect(summary.requests).toBeLessThanOrEqual(12);

    const stored = await tasks();
    expect(stored["134584#1"]).toMatchObject({ state: "done", stageId: "middle-end", source: "github" });
    expect(stored["134584#8"]).toMatchObject({
      state: "open",
      login: "sokoro",
      claimEvidence: "claimed in a comment on 2026-11-13",
      claimedAt: "2026-11-13T12:00:00Z", // so that it lapses on time, synced or not
    });
    expect(stored["134584#9"]).toMatchObject({ login: "acosta", claimedAt: null }); // a PR's claim stands while it is open
    expect(stored["134584#9"]?.claimEvidence).toMatch(/^open PR #\d+ names _UNPACK_SEQUENCE_TWO_TUPLE$/);
    // dev9 claimed _STORE_ATTR_SLOT 200 days ago: stale, so the item is free again.
    expect(stored["134584#11"]).toMatchObject({ state: "open", login: null });
    expect(stored["145866#2"]).toMatchObject({ login: "lferreira" });

    const labelled = Object.values(stored).filter((t) => !t.key.includes("#"));
    expect(labelled.map((t) => [t.stageId, t.login, t.claimEvidence])).toEqual([
      ["frontend", "sokoro", "claimed in a comment on 2026-11-19"],
      ["frontend", null, null],
      ["backend", "nhaddad", "assigned to nhaddad"],
      ["backend", "lferreira", expect.stringMatching(/^open PR #\d+ references gh-\d+$/)],
    ]);
    expect(labelled.map((t) => t.claimKind)).toEqual(["comment", null, "assignee", "pull-request"]);
    expect([stored["134584#8"]?.claimKind, stored["134584#9"]?.claimKind]).toEqual(["comment", "pull-request"]);
    // The asyncio docs typo is an easy issue, but nothing ties it to the JIT.
    expect(Object.values(stored).some((t) => t.stageId === null)).toBe(false);

    const runs = await test.db.selectFrom("importRuns").select(["source", "status"]).execute();
    expect(runs).toEqual([{ source: "github:python/cpython starter tasks", status: "done" }]);
  });

  it("spends two requests when nothing changed, and picks up a ticked item, a closed issue and a claiming PR", async () => {
    await sync();
    const before = await tasks();
    github.log.length = 0;
    const quiet = await sync({ at: "2026-11-25T13:00:00Z" });
    expect(quiet.changed).toBe(false);
    expect(github.log.map((r) => r.path.split("?")[0])).toEqual(["/repos/python/cpython", "/search/issues"]);
    expect(await tasks()).toEqual(before);

    const umbrella = github.repository.issues.get(134584);
    if (!umbrella) throw new Error("the simulator lost gh-134584");
    umbrella.body = umbrella.body.replace(`- [ ] \`${refcountItems[9]}\``, `- [x] \`${refcountItems[9]}\``);
    umbrella.updatedAt = "2026-11-25T13:30:00Z";
    const easy = [...github.repository.issues.values()].find((i) => i.title.startsWith("Check stencil alignment"));
    if (!easy) throw new Error("the simulator lost the stencil issue");
    easy.state = "closed";
    easy.updatedAt = "2026-11-25T13:30:00Z";

    github.log.length = 0;
    const changed = await sync({ at: "2026-11-25T14:00:00Z" });
    expect(changed.changed).toBe(true);
    const after = await tasks();
    expect(after["134584#10"]?.state).toBe("done");
    expect(after[String(easy.number)]).toBeUndefined();
    // A PR naming a labelled issue claims it, though the issue itself did not change.
    const sideExit = [...github.repository.issues.values()].find((i) => i.title.startsWith("Add a test for traces"));
    if (!sideExit) throw new Error("the simulator lost the side-exit issue");
    expect(after[String(sideExit.number)]).toMatchObject({ login: null });
    github.repository.issues.set(200_001, {
      number: 200_001,
      title: `gh-${sideExit.number}: Test traces that end in a side exit`,
      body: "",
      state: "open",
      author: "acosta",
      assignees: [],
      labels: [],
      createdAt: "2026-11-25T14:30:00Z",
      updatedAt: "2026-11-25T14:30:00Z",
      comments: [],
      isPullRequest: true,
    });
    await sync({ at: "2026-11-25T15:00:00Z" });
    expect((await tasks())[String(sideExit.number)]).toMatchObject({
      login: "acosta",
      claimEvidence: "open PR #200001 references gh-" + sideExit.number,
    });
    // The other umbrellas answered 304 and were not re-read.
    const notModified = github.log.filter((r) => r.status === 304).map((r) => r.path);
    expect(notModified).toEqual(
      expect.arrayContaining(["/repos/python/cpython/issues/145866", "/repos/python/cpython/issues/131798"]),
    );
  });
});

describe("GitHub's pacing of searches", () => {
  const ref = { owner: "python", repo: "cpython" };
  const searchAtOnce = (github: ReturnType<typeof client>, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => searchOpenPullRequests(github, ref, `gh-${134584 + i}`)));

  it("sends searches asked for at once one at a time, searchIntervalMs apart", async () => {
    const asked = Date.now();
    await searchAtOnce(client(), 4);
    const searches = arrivals(/^\/search\//);
    expect(searches).toHaveLength(4);
    searches.forEach((at, k) => expect(at - asked).toBeGreaterThanOrEqual(k * (searchIntervalMs - timerSlackMs)));
  });

  it("keeps GitHub's 2 s between searches unless told otherwise", async () => {
    const asked = Date.now();
    await searchAtOnce(createGitHubClient({ token: github.token, baseUrl: github.url }), 2);
    expect(arrivals(/^\/search\//)[1]! - asked).toBeGreaterThanOrEqual(2000 - timerSlackMs);
  });
});

describe("when GitHub fails", () => {
  // [fault, what Steward says while it waits (null: it retries quietly), requests for the faulty URL,
  //  the earliest the retry may come, given when the failed request arrived]
  it.each<[string, Fault, RegExp | null, number, ((failedAt: number) => number) | null]>([
    [
      "a secondary rate limit",
      { kind: "secondary-rate-limit", retryAfterSeconds: 1 },
      /asked Steward to slow down \(secondary limit\): waiting 1 s/,
      2,
      (failedAt) => failedAt + 1 * secondMs - timerSlackMs, // its Retry-After
    ],
    [
      // In real seconds: the limit is spent until the reset GitHub names, a whole second of the clock.
      "a spent primary rate limit",
      { kind: "primary-rate-limit", resetInSeconds: 1 },
      /rate limit is spent: waiting \d+ s for its reset/,
      2,
      (failedAt) => (Math.floor(failedAt / 1000) + 1) * 1000,
    ],
    // The retry plugin's first back-off is a second.
    ["a 502", { kind: "server-error", status: 502 }, null, 2, (failedAt) => failedAt + 1 * secondMs - timerSlackMs],
    ["a connection reset", { kind: "connection-reset" }, null, 2, (failedAt) => failedAt + 1 * secondMs - timerSlackMs],
    // Answered late but answered: no retry.
    ["a slow answer", { kind: "slow", delayMs: 300 }, null, 1, null],
  ])("gets through %s and ends with the same tasks", async (name, fault, waitMessage, attempts, retryNoEarlierThan) => {
    github.fail(fault, { times: 1, path: /\/issues\/134584$/ });
    const waits: string[] = [];
    const summary = await sync({ waits, realSeconds: fault.kind === "primary-rate-limit" });
    expect(summary.tasks).toEqual({ open: 8, claimed: 6, done: 10 });
    if (waitMessage) expect(waits.join("\n")).toMatch(waitMessage);
    else expect(waits).toEqual([]);
    const tries = github.log.filter((r) => r.path.endsWith("/issues/134584"));
    expect(tries.length).toBe(attempts);
    const [failed, retried] = tries;
    if (retryNoEarlierThan && failed && retried) {
      expect(retried.at, `${name}: the retry came too early`).toBeGreaterThanOrEqual(retryNoEarlierThan(failed.at));
    }
  });

  it("stops on a bad token with a clear message, writing nothing", async () => {
    const failure = sync({ token: "wrong" });
    await expect(failure).rejects.toBeInstanceOf(GitHubError);
    await expect(failure).rejects.toThrow(
      "GitHub rejected the token (401 Bad credentials). Set GITHUB_TOKEN to a valid token.",
    );
    expect(github.log).toHaveLength(1); // a bad token is not retried
    expect(await test.db.selectFrom("importRuns").selectAll().execute()).toEqual([]);
    expect(await tasks()).toEqual({});
  });

  it("stops on a missing repository with a clear message, writing nothing", async () => {
    const result = syncStarterTasks({ db: test.db, config, github: client(), repository: "python/cpytho", now });
    await expect(result).rejects.toThrow("GitHub has no repository python/cpytho visible to this token (404)");
    expect(await tasks()).toEqual({});
  });

  it("keeps the previous tasks when GitHub keeps failing mid-sync, and records the failure", async () => {
    await sync();
    const before = await tasks();
    const umbrella = github.repository.issues.get(134584);
    if (umbrella) umbrella.updatedAt = "2026-11-25T13:30:00Z";
    github.fail({ kind: "server-error", status: 502 }, { times: 10, path: /\/issues$/ });
    github.log.length = 0;
    await expect(sync({ at: "2026-11-25T14:00:00Z" })).rejects.toThrow(/502/);
    // Three retries, backing off 1, 4 and 9 seconds (of secondMs each).
    const backOff = gaps(/\/issues$/);
    expect(backOff).toHaveLength(3);
    backOff.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((i + 1) ** 2 * secondMs - timerSlackMs));
    expect(await tasks()).toEqual(before);
    const runs = await test.db.selectFrom("importRuns").select(["status"]).orderBy("id").execute();
    expect(runs.map((r) => r.status)).toEqual(["done", "failed"]);
    // The dashboard shows the latest run per source: this failure, with GitHub's words.
    const latest = await listLatestRuns(test.db);
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ source: "github:python/cpython starter tasks", status: "failed" });
    expect(latest[0]?.message).toContain("GitHub answered 502");
  });
});
