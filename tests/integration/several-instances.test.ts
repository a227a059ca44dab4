import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseUrl, type Database } from "../../db/database";
import { createPostgresDatabase, dropPostgresDatabase } from "../../db/postgres";
import { buildIfStale } from "../../scripts/build-if-stale";
import { startAppInstance, type AppInstance } from "../support/app-instance";
import { testPostgresUrl } from "../support/db";
import { addPullRequest, generateRepository, type SimIssue } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster";
import { pullRequestPayload, signedDelivery } from "../support/webhook-deliveries";
import { waitFor as waitUntil } from "../support/waiting";

// Two app instances started as people start them (`npm start` with DATABASE_URL=postgres://…) on one
// PostgreSQL, each with its scheduler (pg-boss) and its web server, against the GitHub simulator: each
// sync tick runs once among them, each webhook delivery is applied once and its follow-up fetch runs
// once, what one instance writes the other serves at once, and a killed instance's job is finished by
// the other. On the PostgreSQL server of STEWARD_TEST_DATABASE_URL (CI's PostgreSQL run), else on a
// throwaway cluster of its own.

const secret = "several-instances-secret";
const sync = "github-sync";
const refresh = "pull-request-refresh";
// Ticks every 5 s rather than SYNC_EVERY's shortest minute; a follow-up is taken for dead 8 s after it
// started (a loaded machine's fetch must stay well under that), retried a second or two later; idle
// instances poll every half second.
const timings = {
  syncEveryMs: 5000,
  followUpTimeoutMs: 8000,
  followUpRetryDelayMs: 1000,
  pollMs: 500,
  maintenanceSeconds: 1,
};

interface RunRow {
  job: string;
  runKey: string;
  scheduledFor: string;
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: string;
  error: string | null;
  instance: string;
}

describe.runIf(testPostgresUrl !== undefined || postgresAvailable())(
  "two app instances on one PostgreSQL (runs when PostgreSQL's initdb is installed, or on STEWARD_TEST_DATABASE_URL)",
  () => {
    let cluster: PostgresCluster | undefined;
    let databaseUrl: string;
    let db: Database;
    let github: GitHubSimulator;
    let instances: AppInstance[] = [];
    let delivered = 0;
    let firstSync: { release: () => void } | undefined;
    const startedAt = Date.now();

    beforeAll(async () => {
      buildIfStale(); // once, before two instances would each build at the same time
      if (!testPostgresUrl) cluster = await startPostgresCluster();
      databaseUrl = await createPostgresDatabase(
        testPostgresUrl ?? cluster!.url,
        `steward_instances_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
      );
      github = await startGitHubSimulator({
        repository: generateRepository({ now: new Date().toISOString(), pullRequests: 40, seed: 12 }),
      });
      // The first sync's first request waits until the first test lets it go, so the test sees the
      // instances before any sync landed however long they take to start.
      firstSync = github.fail({ kind: "held" }, { path: /^\/repos\/python\/cpython$/ });
      const env = {
        DATABASE_URL: databaseUrl,
        SYNC_EVERY: "1m",
        GITHUB_TOKEN: github.token,
        GITHUB_API_URL: github.url,
        GITHUB_WEBHOOK_SECRET: secret,
        STEWARD_TEST_JOB_TIMINGS: JSON.stringify(timings),
      };
      // Started together: they migrate the empty database and set up pg-boss's queues at the same time.
      instances = await Promise.all([startAppInstance(env), startAppInstance(env)]);
      db = openDatabaseUrl(databaseUrl);
    });

    afterAll(async () => {
      firstSync?.release(); // an instance stopping waits for its sync under way
      await Promise.all(instances.map((instance) => instance.stop()));
      await db?.destroy();
      if (databaseUrl) await dropPostgresDatabase(databaseUrl);
      await github?.close();
      await cluster?.stop();
    });

    const [a, b] = [() => instances[0]!, () => instances[1]!];

    const runs = (job: string): Promise<RunRow[]> =>
      db
        .selectFrom("jobRuns")
        .select(["job", "runKey", "scheduledFor", "attempt", "startedAt", "finishedAt", "outcome", "error", "instance"])
        .where("job", "=", job)
        .orderBy("id")
        .execute();

    const waitFor = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000) =>
      waitUntil(what, check, {
        timeoutMs,
        intervalMs: 100,
        explain: async () =>
          `runs: ${JSON.stringify([...(await runs(sync)), ...(await runs(refresh))])}\n` +
          instances.map((i) => i.output()).join("\n---\n"),
      });

    async function get(instance: AppInstance, path: string): Promise<unknown> {
      const response = await fetch(`${instance.baseUrl}${path}`);
      expect(response.status, `${path} on ${instance.baseUrl}`).toBe(200);
      return response.json();
    }

    async function deliver(
      instance: AppInstance,
      pr: SimIssue,
      action: "opened" | "labeled" | "synchronize",
      id?: string,
    ) {
      const { headers, body } = signedDelivery(secret, {
        event: "pull_request",
        id: id ?? `instances-${++delivered}`,
        payload: pullRequestPayload(pr, action),
      });
      const response = await fetch(`${instance.baseUrl}/webhooks/github`, { method: "POST", headers, body });
      return { status: response.status, body: (await response.json()) as { outcome: string; followUp?: string } };
    }

    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");

    /** An open PR of the middle-end, as a newcomer opens it: the sync never finds open PRs; webhooks do. */
    const middleEndPullRequest = (author: string, title = "Narrow _GUARD_TYPE_VERSION after a store") =>
      addPullRequest(github.repository, {
        author,
        title,
        files: [{ path: "Python/optimizer_analysis.c", additions: 30, deletions: 4 }],
        createdAt: daysAgo(2),
      });

    /** Follow-ups not finished: waiting, retrying or running, in pg-boss's table. */
    const unfinished = async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pgboss.job where name = ${refresh} and state in ('created', 'retry', 'active')`.execute(
        db,
      );
      return Number(rows[0]?.n ?? 0);
    };

    it("a sync run by either instance is served at once by both: the report caches follow the data version", async () => {
      // No sync has finished yet: the first one's first request is held.
      expect((await runs(sync)).filter((r) => r.finishedAt)).toEqual([]);
      const before = await Promise.all(instances.map((i) => get(i, "/api/contributions")));
      const emptyReport = await Promise.all(instances.map((i) => get(i, "/api/bus-factor")));
      expect(before).toEqual([
        expect.objectContaining({ contributions: [] }),
        expect.objectContaining({ contributions: [] }),
      ]);
      expect(emptyReport[0]).toEqual(emptyReport[1]);

      firstSync?.release();
      const first = await waitFor("the first sync to finish", async () =>
        (await runs(sync)).find((r) => r.outcome === "ok"),
      );
      expect(instances.map((i) => i.instance)).toContain(first.instance);
      const after = await Promise.all(instances.map((i) => get(i, "/api/contributions")));
      expect((after[0] as { contributions: unknown[] }).contributions.length).toBeGreaterThan(0);
      expect(after[1]).toEqual(after[0]);
      const report = await Promise.all(instances.map((i) => get(i, "/api/bus-factor")));
      expect(report[1]).toEqual(report[0]);
    });

    it("webhook deliveries sent to both at once are each applied once, and each follow-up fetch runs once", async () => {
      const same = middleEndPullRequest("twin-delivery");
      const spread = ["spread-one", "spread-two", "spread-three", "spread-four"].map((login) =>
        middleEndPullRequest(login),
      );
      const burst = middleEndPullRequest("burst-author");
      const answers = await Promise.all([
        // The same delivery (GitHub redelivering it, say) reaching both instances at once.
        deliver(a(), same, "opened", "same-delivery-to-both"),
        deliver(b(), same, "opened", "same-delivery-to-both"),
        // Different deliveries, spread over both.
        ...spread.map((pr, i) => deliver(instances[i % 2]!, pr, "opened")),
        // A burst of deliveries for one pull request.
        deliver(a(), burst, "opened"),
        deliver(b(), burst, "labeled"),
        deliver(a(), burst, "synchronize"),
      ]);
      const [toA, toB, ...rest] = answers;
      expect([toA!.body.outcome, toB!.body.outcome].sort()).toEqual(["applied", "duplicate"]);
      expect([toA!.status, toB!.status].sort()).toEqual([200, 201]);
      expect(rest.map((r) => [r.status, r.body.outcome])).toEqual(rest.map(() => [201, "applied"]));

      // Every delivery recorded once.
      const deliveries = await db.selectFrom("webhookDeliveries").select("id").execute();
      expect(deliveries.map((d) => d.id).sort()).toEqual(
        ["same-delivery-to-both", ...Array.from({ length: 7 }, (_, i) => `instances-${i + 1}`)].sort(),
      );

      // The follow-ups: as many fetches as answers said one was queued, each run once, by one instance.
      const queued = answers.filter((r) => r.body.followUp?.startsWith("Fetching")).length;
      const prs = [same, ...spread, burst];
      await waitFor("every follow-up to finish", async () => {
        const done = (await runs(refresh)).filter((r) => r.outcome === "ok");
        return done.length >= queued && (await unfinished()) === 0;
      });
      const rows = await runs(refresh);
      const byKey = new Map<string, RunRow[]>();
      for (const row of rows) byKey.set(row.runKey, [...(byKey.get(row.runKey) ?? []), row]);
      expect(byKey.size).toBe(queued);
      for (const [runKey, attempts] of byKey) {
        expect(
          attempts.map((r) => [r.attempt, r.outcome]),
          runKey,
        ).toEqual([[1, "ok"]]);
        expect(instances.map((i) => i.instance)).toContain(attempts[0]!.instance);
      }
      const fetchesOf = (pr: SimIssue) => [...byKey.keys()].filter((k) => k.startsWith(`${refresh}#${pr.number}@`));
      for (const pr of [same, ...spread]) expect(fetchesOf(pr), `#${pr.number}`).toHaveLength(1);
      // Three deliveries for one PR: one fetch waiting at most beside one running, however they interleave.
      expect(fetchesOf(burst).length).toBeGreaterThanOrEqual(1);
      expect(fetchesOf(burst).length).toBeLessThanOrEqual(2);

      // Each PR now has its files and its stage, whichever instance fetched it, and both serve that.
      for (const pr of prs) {
        const answers = await Promise.all(instances.map((i) => get(i, `/api/contributions?pr=${pr.number}`)));
        expect(answers[1]).toEqual(answers[0]);
        const [contribution] = (answers[0] as { contributions: Array<{ stages: Array<{ id: string }> }> })
          .contributions;
        expect(
          contribution?.stages.map((s) => s.id),
          `#${pr.number}`,
        ).toEqual(["middle-end"]);
      }
    });

    it("a webhook applied through one instance is seen on the next request to the other, cached report included", async () => {
      const maintainers = async (instance: AppInstance) => {
        const report = (await get(instance, "/api/bus-factor")) as {
          stages: Array<{ id: string; activeMaintainers: Array<{ login: string | null }> }>;
        };
        return report.stages.find((s) => s.id === "middle-end")!.activeMaintainers.map((m) => m.login);
      };
      // B computes (and caches) the report: the newcomer is not a maintainer.
      expect(await maintainers(b())).not.toContain("fresh-maintainer");
      expect(await maintainers(b())).not.toContain("fresh-maintainer");

      // Two middle-end PRs by the newcomer reach A; the follow-ups bring their files: credit 2, the rule's min.
      const prs = [
        middleEndPullRequest("fresh-maintainer"),
        middleEndPullRequest("fresh-maintainer", "Fold _LOAD_CONST"),
      ];
      for (const pr of prs) expect((await deliver(a(), pr, "opened")).status).toBe(201);
      // Stored at once, seen by B at once (without files yet).
      for (const pr of prs) {
        const answer = (await get(b(), `/api/contributions?pr=${pr.number}`)) as { contributions: unknown[] };
        expect(answer.contributions).toHaveLength(1);
      }
      await waitFor("the newcomer's follow-ups", async () => {
        const done = (await runs(refresh)).filter(
          (r) => r.outcome === "ok" && prs.some((pr) => r.runKey.startsWith(`${refresh}#${pr.number}@`)),
        );
        return done.length === 2;
      });
      // B's next request: its cached report was for an older data version.
      expect(await maintainers(b())).toContain("fresh-maintainer");
      expect(await maintainers(a())).toContain("fresh-maintainer");
    });

    it("each sync tick ran once among the two instances, one at a time", async () => {
      firstSync?.release(); // (when this test runs alone)
      // At least three ticks since both started, two of them run (the ticks that came while the first
      // sync was held are skipped).
      const rows = await waitFor("three sync ticks, two of them run", async () => {
        const finished = (await runs(sync)).filter((r) => r.finishedAt);
        return finished.length >= 3 && finished.filter((r) => r.outcome === "ok").length >= 2 && finished;
      });
      expect(new Set(rows.map((r) => r.scheduledFor)).size, JSON.stringify(rows)).toBe(rows.length);
      // Both instances sent every tick; none was missed, and none ran twice or failed.
      const ticks = rows.map((r) => Date.parse(r.scheduledFor)).sort((x, y) => x - y);
      expect(ticks.slice(1).map((t, i) => t - ticks[i]!)).toEqual(ticks.slice(1).map(() => timings.syncEveryMs));
      expect(rows.map((r) => [r.attempt, r.outcome === "skipped" ? "skipped" : r.outcome])).toEqual(
        rows.map((r) => (r.outcome === "skipped" ? [0, "skipped"] : [1, "ok"])),
      );
      const ran = rows.filter((r) => r.outcome === "ok");
      expect(ran.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < ran.length; i++) expect(ran[i]!.startedAt >= ran[i - 1]!.finishedAt!).toBe(true);
      expect(Date.parse(rows[0]!.scheduledFor)).toBeGreaterThanOrEqual(startedAt - timings.syncEveryMs);
    });

    it("an instance killed (SIGKILL) in the middle of a follow-up: the other finishes it", async () => {
      const pr = middleEndPullRequest("slow-fetch");
      // The first fetch of this PR (its GraphQL alias) is held unanswered: whoever runs it is killed meanwhile.
      const held = github.fail(
        { kind: "held" },
        { path: /^\/graphql$/, body: new RegExp(`pr${pr.number}: pullRequest`) },
      );
      expect((await deliver(b(), pr, "opened")).status).toBe(201);
      // Its attempt is recorded and its request has reached GitHub (it may wait behind a sync's first).
      const running = await waitFor(
        "the follow-up's request to be under way",
        async () =>
          held.hits() === 1 &&
          (await runs(refresh)).find((r) => r.runKey.startsWith(`${refresh}#${pr.number}@`) && r.outcome === "running"),
      );
      const victim = instances.find((i) => i.instance === running.instance)!;
      const survivor = instances.find((i) => i !== victim)!;
      victim.kill("SIGKILL");
      await victim.exited;

      // Taken for dead after the follow-up's time limit, then retried within seconds (pg-boss's own
      // default would hold it for 15 minutes).
      const finished = await waitFor(
        "the survivor to finish the job",
        async () => (await runs(refresh)).find((r) => r.runKey === running.runKey && r.outcome === "ok"),
        45_000,
      );
      expect(
        (await runs(refresh))
          .filter((r) => r.runKey === running.runKey)
          .map((r) => [r.attempt, r.outcome, r.instance, r.error]),
      ).toEqual([
        [1, "failed", victim.instance, "stopped before it finished: the process running it ended"],
        [2, "ok", survivor.instance, null],
      ]);
      // Not before the time limit: pg-boss took it for dead, it did not retry it at once.
      expect(Date.parse(finished.startedAt) - Date.parse(running.startedAt)).toBeGreaterThanOrEqual(
        timings.followUpTimeoutMs,
      );
      const answer = (await get(survivor, `/api/contributions?pr=${pr.number}`)) as {
        contributions: Array<{ stages: Array<{ id: string }> }>;
      };
      expect(answer.contributions[0]?.stages.map((s) => s.id)).toEqual(["middle-end"]);
      held.release(); // the dead instance's request, answered to no one
    }, 90_000);
  },
);
