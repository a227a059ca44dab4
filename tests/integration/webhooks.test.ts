import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../app/db.server";
import { action } from "../../app/routes/webhooks.github";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { applyWebhook } from "../../app/ingest/webhook.server";
import { openDatabaseUrl } from "../../db/database";
import { upsertPullRequest } from "../../app/models/pull-request.server";
import { PeopleResolver } from "../../app/models/person.server";
import { commit, store } from "../support/factories";
import { TestRepo } from "../support/git-repo";

const secret = "webhook-secret-for-tests";
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;
const test = setUpTestDatabase({ asAppDatabase: true });
let delivery = 0;

// GitHub's example payloads are untyped JSON that each test reshapes (numbers, logins, bodies).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = Record<string, any>;

/** A real example payload of `event`, moved to python/cpython, with `change` applied. */
function example(
  event: string,
  pick: (e: Record<string, unknown>) => boolean,
  change: (payload: Payload) => void = () => undefined,
) {
  const found = examples.find((e) => e.name === event)?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example`);
  const payload: Payload = structuredClone(found);
  payload.repository.full_name = "python/cpython";
  change(payload);
  return payload;
}

/** A push of the default branch whose first commit changes Python/optimizer.c. */
const optimizerPush = () =>
  example(
    "push",
    (e) => (e.commits as unknown[]).length > 0,
    (p) => {
      p.ref = `refs/heads/${p.repository.default_branch}`;
      p.commits[0].modified = ["Python/optimizer.c"];
    },
  );

async function deliver(
  event: string,
  payload: unknown,
  options: { id?: string; signature?: string; rawBody?: string } = {},
) {
  const body = options.rawBody ?? JSON.stringify(payload);
  const signature = options.signature ?? `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const response = await action({
    request: new Request("http://steward.test/webhooks/github", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": options.id ?? `delivery-${++delivery}`,
        "x-hub-signature-256": signature,
      },
      body,
    }),
    params: {},
    context: {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * A request whose body is `size` bytes pulled 1 MB at a time from a stream that counts what was read,
 * as remix-serve hands the app a delivery's body: a test can tell how much the endpoint consumed.
 */
function streamedRequest(size: number, headers: Record<string, string>) {
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= size) return controller.close();
        const next = chunk.subarray(0, Math.min(chunk.length, size - pulled));
        pulled += next.length;
        controller.enqueue(next);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request("http://steward.test/webhooks/github", {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "big", ...headers },
    body,
    duplex: "half",
  });
  return { request, pulled: () => pulled, cancelled: () => cancelled };
}

async function rows() {
  const db = await getDb();
  const [contributions, tasks, deliveries] = await Promise.all([
    db.selectFrom("contributions").selectAll().execute(),
    db.selectFrom("starterTasks").selectAll().execute(),
    db.selectFrom("webhookDeliveries").selectAll().execute(),
  ]);
  return { contributions, tasks, deliveries };
}

beforeAll(() => {
  process.env.GITHUB_WEBHOOK_SECRET = secret;
});
beforeEach(async () => {
  const db = await getDb();
  for (const table of [
    "webhookDeliveries",
    "starterTasks",
    "stageActivity",
    "contributionStages",
    "classifications",
    "contributionFiles",
    "contributionPeople",
    "contributions",
  ] as const) {
    await db.deleteFrom(table).execute();
  }
});

describe("POST /webhooks/github", () => {
  it("answers 401 to a bad or missing signature and writes nothing", async () => {
    const payload = example("pull_request", (e) => e.action === "opened");
    expect((await deliver("pull_request", payload, { signature: "sha256=0000" })).status).toBe(401);
    expect((await deliver("pull_request", payload, { signature: "" })).status).toBe(401);
    const signedOther = `sha256=${createHmac("sha256", "another-secret").update(JSON.stringify(payload)).digest("hex")}`;
    expect((await deliver("pull_request", payload, { signature: signedOther })).status).toBe(401);
    expect(await rows()).toEqual({ contributions: [], tasks: [], deliveries: [] });
  });

  it("answers 400 to a malformed body and writes nothing", async () => {
    expect((await deliver("pull_request", null, { rawBody: "{not json" })).status).toBe(400);
    const broken = await deliver("pull_request", {
      repository: { full_name: "python/cpython" },
      pull_request: { number: "seven" },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatch(/pull_request payload is malformed at pull_request\.number/);
    expect(await rows()).toEqual({ contributions: [], tasks: [], deliveries: [] });
  });

  it("refuses a body declared over 25 MB before reading any of it", async () => {
    const big = streamedRequest(30 * 1024 * 1024, {
      "content-length": String(30 * 1024 * 1024),
      "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
    });
    const response = await action({ request: big.request, params: {}, context: {} });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: expect.stringContaining("at most 25 MB") });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(big.pulled()).toBeLessThanOrEqual(1024 * 1024);
    expect(await rows()).toEqual({ contributions: [], tasks: [], deliveries: [] });
  });

  it("refuses a 30 MB unsigned body without reading it", async () => {
    const unsigned = streamedRequest(30 * 1024 * 1024, {});
    const response = await action({ request: unsigned.request, params: {}, context: {} });
    expect(response.status).toBe(401);
    expect(unsigned.pulled()).toBeLessThanOrEqual(1024 * 1024);
    expect(await rows()).toEqual({ contributions: [], tasks: [], deliveries: [] });
  });

  it("stops reading a chunked body once it passes 25 MB", async () => {
    const chunked = streamedRequest(40 * 1024 * 1024, { "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
    const response = await action({ request: chunked.request, params: {}, context: {} });
    expect(response.status).toBe(413);
    expect(chunked.pulled()).toBeGreaterThan(25 * 1024 * 1024);
    expect(chunked.pulled()).toBeLessThan(28 * 1024 * 1024);
    expect(chunked.cancelled()).toBe(true);
    expect(await rows()).toEqual({ contributions: [], tasks: [], deliveries: [] });
  });

  it.each([
    ["pull_request", "pull_request.created_at", (p: Payload) => (p.pull_request.created_at = "x")],
    ["pull_request", "pull_request.merged_at", (p: Payload) => (p.pull_request.merged_at = "2026-13-45T00:00:00Z")],
    ["pull_request", "pull_request.number", (p: Payload) => (p.pull_request.number = -5)],
    ["pull_request", "pull_request.number", (p: Payload) => (p.pull_request.number = 1e20)],
    ["pull_request", "pull_request.user.login", (p: Payload) => (p.pull_request.user.login = "<img src=x>")],
    ["pull_request_review", "review.submitted_at", (p: Payload) => (p.review.submitted_at = "yesterday")],
    ["issues", "issue.updated_at", (p: Payload) => (p.issue.updated_at = "x")],
    ["issue_comment", "comment.created_at", (p: Payload) => (p.comment.created_at = "x")],
    ["push", "commits.0.id", (p: Payload) => (p.commits[0].id = "not a sha <script>")],
    ["push", "commits.0.timestamp", (p: Payload) => (p.commits[0].timestamp = "x")],
  ])(
    "answers 400 naming %s's %s when a value has the wrong shape, and writes nothing",
    async (event, field, change) => {
      const payload = example(event, (e) => event !== "push" || (e.commits as unknown[]).length > 0, change);
      if (event === "push") payload.ref = `refs/heads/${payload.repository.default_branch}`;
      const answer = await deliver(event, payload);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toContain(`malformed at ${field}:`);
      expect(await rows()).toEqual({ contributions: [], tasks: [], deliveries: [] });
    },
  );

  it("applies a well-formed delivery once after the strict checks", async () => {
    const push = optimizerPush();
    expect((await deliver("push", push, { id: "push-once" })).status).toBe(201);
    expect((await deliver("push", push, { id: "push-once" })).body).toMatchObject({ outcome: "duplicate" });
    expect((await rows()).contributions.map((c) => c.sha)).toEqual([push.commits[0].id]);
  });

  it("applies a delivery once when it reaches two instances at the same moment", async () => {
    const push = optimizerPush();
    // Two app instances: two connections of their own to the one database, both past the "seen
    // already?" check before either records the delivery.
    const instances = [openDatabaseUrl(test.file), openDatabaseUrl(test.file)];
    try {
      const outcomes = await Promise.all(
        instances.map((db) =>
          applyWebhook(db, { config: defaultConfig(), event: "push", deliveryId: "push-twice", payload: push }),
        ),
      );
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(["applied", "duplicate"]);
    } finally {
      await Promise.all(instances.map((db) => db.destroy()));
    }
    const stored = await rows();
    expect(stored.contributions.map((c) => c.sha)).toEqual([push.commits[0].id]);
    expect(stored.deliveries.map((d) => d.id)).toEqual(["push-twice"]);
  });

  it("stores a pull request and its review once, however often GitHub delivers them", async () => {
    const opened = example(
      "pull_request",
      (e) => e.action === "opened",
      (p) => {
        p.pull_request.title = "gh-134584: Eliminate redundant refcounting from _CALL_LEN";
        p.pull_request.labels = [{ name: "topic-JIT" }];
      },
    );
    const first = await deliver("pull_request", opened, { id: "pr-1" });
    expect(first).toMatchObject({ status: 201, body: { outcome: "applied" } });
    expect((await deliver("pull_request", opened, { id: "pr-1" })).body).toMatchObject({ outcome: "duplicate" });

    const number = opened.pull_request.number as number;
    const review = example(
      "pull_request_review",
      () => true,
      (p) => {
        p.pull_request.number = number;
        p.review.state = "approved";
        p.review.submitted_at = "2026-11-20T09:30:00Z";
        p.review.user.login = "mokafor";
        p.pull_request.user.login = "someone-else";
      },
    );
    expect((await deliver("pull_request_review", review, { id: "review-1" })).body).toMatchObject({
      outcome: "applied",
    });
    expect((await deliver("pull_request_review", review, { id: "review-1" })).body).toMatchObject({
      outcome: "duplicate",
    });

    const db = await getDb();
    const stored = await db
      .selectFrom("contributions as c")
      .innerJoin("contributionPeople as cp", "cp.contributionId", "c.id")
      .innerJoin("people as p", "p.id", "cp.personId")
      .select(["c.prNumber", "c.labels", "p.login", "cp.role", "cp.weight"])
      .orderBy("cp.role")
      .execute();
    expect(stored).toEqual([
      { prNumber: number, labels: '["topic-JIT"]', login: "codertocat", role: "author", weight: 1 },
      { prNumber: number, labels: '["topic-JIT"]', login: "mokafor", role: "reviewer", weight: 1 },
    ]);
    const stages = await db.selectFrom("contributionStages").select("stageId").execute();
    expect(stages).toEqual([{ stageId: "middle-end" }]); // placed by the umbrella reference
    // The review counts on the day it was submitted, not the day the PR was opened.
    const activity = await db
      .selectFrom("stageActivity as a")
      .innerJoin("people as p", "p.id", "a.personId")
      .select(["p.login", "a.occurredAt"])
      .orderBy("p.login")
      .execute();
    expect(activity).toEqual([
      {
        login: "codertocat",
        occurredAt: new Date(opened.pull_request.created_at as string).toISOString().replace(".000", ""),
      },
      { login: "mokafor", occurredAt: "2026-11-20T09:30:00Z" },
    ]);
    expect((await rows()).deliveries.map((d) => d.id).sort()).toEqual(["pr-1", "review-1"]);

    // Its state follows GitHub's: open (a learner reviewer can be suggested), then merged.
    const state = async () =>
      (await db.selectFrom("contributions").select("prState").where("prNumber", "=", number).executeTakeFirstOrThrow())
        .prState;
    expect(await state()).toBe("open");
    const merged = structuredClone(opened);
    merged.action = "closed";
    merged.pull_request.state = "closed";
    merged.pull_request.merged_at = "2026-11-21T10:00:00Z";
    expect((await deliver("pull_request", merged, { id: "pr-2" })).body).toMatchObject({ outcome: "applied" });
    expect(await state()).toBe("merged");
  });

  it("adds a review to a squash commit imported from git", async () => {
    const db = await getDb();
    await store(db, defaultConfig(), [
      commit({
        day: "2026-11-01",
        title: "gh-1: JIT change (#4242)",
        author: { name: "A", email: "a@example.org" },
        files: [{ path: "Python/jit.c", added: 5, deleted: 1 }],
        pr: 4242,
      }),
    ]);
    const review = example(
      "pull_request_review",
      () => true,
      (p) => {
        p.pull_request.number = 4242;
        p.review.state = "commented";
        p.review.user.login = "hsato";
      },
    );
    await deliver("pull_request_review", review);
    const activity = await db
      .selectFrom("stageActivity as a")
      .innerJoin("people as p", "p.id", "a.personId")
      .select(["p.login", "a.stageId", "a.weight"])
      .orderBy("a.weight")
      .execute();
    expect(activity).toEqual([
      { login: "hsato", stageId: "backend", weight: 0.5 },
      { login: null, stageId: "backend", weight: 1 },
    ]);
  });

  it("reads umbrella checklists and claims from issues and comments", async () => {
    const edited = example(
      "issues",
      (e) => e.action === "edited",
      (p) => {
        p.issue.number = 134584;
        p.issue.body = "- [x] `_BINARY_OP_ADD_INT`\n- [ ] `_CALL_LEN`\n- [ ] `_GET_ITER`";
        p.issue.labels = [];
      },
    );
    await deliver("issues", edited);
    const comment = example(
      "issue_comment",
      (e) => e.action === "created",
      (p) => {
        p.issue = { ...edited.issue };
        p.comment.body = "I'd like to work on `_CALL_LEN` please";
        p.comment.user.login = "newcomer";
        p.comment.created_at = new Date().toISOString();
      },
    );
    await deliver("issue_comment", comment);
    const db = await getDb();
    const tasks = await db
      .selectFrom("starterTasks as t")
      .leftJoin("people as p", "p.id", "t.claimedByPersonId")
      .select(["t.key", "t.state", "p.login", "t.stageId"])
      .orderBy("t.key")
      .execute();
    expect(tasks).toEqual([
      { key: "134584#1", state: "done", login: null, stageId: "middle-end" },
      { key: "134584#2", state: "open", login: "newcomer", stageId: "middle-end" },
      { key: "134584#3", state: "open", login: null, stageId: "middle-end" },
    ]);
  });

  it("claims a labelled starter issue by comment, keeps the claim through later events, and drops a withdrawn assignment", async () => {
    const opened = example(
      "issues",
      (e) => e.action === "opened",
      (p) => {
        p.issue.number = 140321;
        p.issue.title = "Print the stencil sizes in verbose JIT builds (Tools/jit/build.py)";
        p.issue.body = "See Tools/jit/build.py.";
        p.issue.state = "open";
        p.issue.labels = [{ name: "easy" }];
        p.issue.assignees = [];
      },
    );
    const task = async () =>
      (await getDb())
        .selectFrom("starterTasks as t")
        .leftJoin("people as p", "p.id", "t.claimedByPersonId")
        .select(["t.key", "t.stageId", "p.login", "t.claimEvidence"])
        .execute();
    await deliver("issues", opened);
    expect(await task()).toEqual([{ key: "140321", stageId: "backend", login: null, claimEvidence: null }]);

    const claim = example(
      "issue_comment",
      (e) => e.action === "created",
      (p) => {
        p.issue = structuredClone(opened.issue);
        p.comment.body = "Can I take this one?";
        p.comment.user.login = "newcomer";
        p.comment.created_at = new Date().toISOString();
      },
    );
    const kind = async () =>
      (await (await getDb()).selectFrom("starterTasks").select("claimKind").executeTakeFirstOrThrow()).claimKind;
    expect(await kind()).toBeNull();
    await deliver("issue_comment", claim);
    const claimed = {
      key: "140321",
      stageId: "backend",
      login: "newcomer",
      claimEvidence: expect.stringMatching(/^claimed in a comment on /),
    };
    expect(await task()).toEqual([claimed]);
    expect(await kind()).toBe("comment");

    const chatter = example(
      "issue_comment",
      (e) => e.action === "created",
      (p) => {
        p.issue = structuredClone(opened.issue);
        p.comment.body = "Thanks, looking forward to it.";
      },
    );
    await deliver("issue_comment", chatter);
    expect(await task()).toEqual([claimed]);

    const assigned = structuredClone(opened);
    assigned.action = "assigned";
    assigned.issue.assignees = [{ ...opened.issue.user, login: "mentor" }];
    await deliver("issues", assigned);
    expect(await task()).toEqual([
      { key: "140321", stageId: "backend", login: "mentor", claimEvidence: "assigned to mentor" },
    ]);
    expect(await kind()).toBe("assignee");
    const unassigned = structuredClone(opened);
    unassigned.action = "unassigned";
    await deliver("issues", unassigned);
    expect(await task()).toEqual([{ key: "140321", stageId: "backend", login: null, claimEvidence: null }]);
  });

  it("stores pushed commits of the default branch and ignores tags and other repositories", async () => {
    const push = example(
      "push",
      (e) => (e.commits as unknown[]).length > 0,
      (p) => {
        p.commits[0].message = "gh-139109: Record traces through calls (#139600)";
        p.commits[0].modified = ["Python/optimizer.c"];
        p.commits[0].added = [];
      },
    );
    expect((await deliver("push", push)).body).toMatchObject({ outcome: "applied" });
    const tag = example("push", (e) => String(e.ref).startsWith("refs/tags/"));
    await deliver("push", tag);
    const elsewhere = example(
      "push",
      (e) => (e.commits as unknown[]).length > 0,
      (p) => {
        p.repository.full_name = "someone/else";
      },
    );
    expect((await deliver("push", elsewhere)).body).toMatchObject({ outcome: "ignored" });
    const stored = (await rows()).contributions;
    expect(stored.map((c) => [c.title, c.prNumber, c.source])).toEqual([
      ["gh-139109: Record traces through calls (#139600)", 139600, "github"],
    ]);
    const stages = await (await getDb()).selectFrom("contributionStages").select("stageId").execute();
    expect(stages).toEqual([{ stageId: "frontend" }]);
  });

  it("lets a later git import give pushed commits their line counts", async () => {
    const repo = TestRepo.create();
    try {
      repo.write("Python/optimizer_bytecodes.c", "refcount\n".repeat(40));
      repo.write("Python/jit.c", "x\n");
      const sha = repo.commit("gh-134584: Eliminate redundant refcounting from _CALL_LEN (#140555)");
      const push = example(
        "push",
        (e) => (e.commits as unknown[]).length > 0,
        (p) => {
          p.ref = `refs/heads/${p.repository.default_branch}`;
          p.commits = [
            {
              ...p.commits[0],
              id: sha,
              message: "gh-134584: Eliminate redundant refcounting from _CALL_LEN (#140555)",
            },
          ];
          p.commits[0].added = ["Python/optimizer_bytecodes.c", "Python/jit.c"];
          p.commits[0].modified = [];
        },
      );
      expect((await deliver("push", push)).body).toMatchObject({ outcome: "applied" });
      const db = await getDb();
      const files = () => db.selectFrom("contributionFiles").select(["path", "added"]).orderBy("path").execute();
      const evidence = async () =>
        (await db.selectFrom("classifications").select("evidence").executeTakeFirstOrThrow()).evidence;
      // The payload names files but no lines: each counts as one, so the backend looks like half the lines.
      expect(await files()).toEqual([
        { path: "Python/jit.c", added: null },
        { path: "Python/optimizer_bytecodes.c", added: null },
      ]);
      expect(await evidence()).toContain("backend files are 50% of the changed lines");

      await importGitHistory({ db, config: defaultConfig(), repoPath: repo.dir });
      const stored = (await rows()).contributions;
      expect(stored.map((c) => [c.sha, c.source, c.additions])).toEqual([[sha, "git", 41]]);
      expect(await files()).toEqual([
        { path: "Python/jit.c", added: 1 },
        { path: "Python/optimizer_bytecodes.c", added: 40 },
      ]);
      // Relabelled with git's line counts.
      expect(await evidence()).toContain("backend files are 2.4% of the changed lines");
    } finally {
      repo.remove();
    }
  });

  it("joins a pushed squash commit to its synced PR without losing the PR's line counts", async () => {
    const db = await getDb();
    const config = defaultConfig();
    await db.transaction().execute(async (trx) =>
      upsertPullRequest(trx, {
        config,
        people: await PeopleResolver.load(trx, config),
        pr: {
          number: 140556,
          title: "gh-134584: Eliminate redundant refcounting from _GET_ITER",
          createdAt: "2026-11-20T10:00:00Z",
          mergedAt: "2026-11-24T10:00:00Z",
          updatedAt: "2026-11-24T10:00:00Z",
          author: { name: "octocat", login: "octocat" },
          labels: ["topic-JIT"],
          refs: [134584],
          files: [{ path: "Python/optimizer_bytecodes.c", added: 12, deleted: 3 }],
          reviewers: [],
        },
      }),
    );
    const push = example(
      "push",
      (e) => (e.commits as unknown[]).length > 0,
      (p) => {
        p.ref = `refs/heads/${p.repository.default_branch}`;
        p.commits = [
          { ...p.commits[0], message: "gh-134584: Eliminate redundant refcounting from _GET_ITER (#140556)" },
        ];
        p.commits[0].modified = ["Python/optimizer_bytecodes.c"];
        p.commits[0].added = [];
      },
    );
    await deliver("push", push);
    const stored = (await rows()).contributions;
    expect(stored.map((c) => [c.prNumber, c.sha, c.additions, c.deletions])).toEqual([
      [140556, push.commits[0].id, 12, 3],
    ]);
    expect(await db.selectFrom("contributionFiles").select(["path", "added", "deleted"]).execute()).toEqual([
      { path: "Python/optimizer_bytecodes.c", added: 12, deleted: 3 },
    ]);
  });
});
