import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tickJobId } from "../../app/jobs/pg-boss-scheduler.server";
import { listScheduledJobs } from "../../app/models/job-run.server";
import { setUpTestDatabase } from "../support/db";
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster";
import { waitFor as waitUntil } from "../support/waiting";

describe("tickJobId", () => {
  it("is one UUID per job and tick, the same on every instance", () => {
    const id = tickJobId("github-sync", "2026-11-27T09:00:00.000Z");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tickJobId("github-sync", "2026-11-27T09:00:00.000Z")).toBe(id);
    expect(tickJobId("github-sync", "2026-11-27T10:00:00.000Z")).not.toBe(id);
    expect(tickJobId("resolve-identities", "2026-11-27T09:00:00.000Z")).not.toBe(id);
  });
});

const root = path.resolve(import.meta.dirname, "../..");
const test = setUpTestDatabase({ per: "test" });

interface Recorded {
  instance: string;
  event: "start" | "end" | "fail";
  scheduledFor: string;
  attempt: number;
  at: number;
}

interface Instance {
  child: ChildProcessWithoutNullStreams;
  name: string;
  output: () => string;
  exited: Promise<number | null>;
}

// The PostgreSQL half needs PostgreSQL's server tools; `npm test` on a machine without them runs the rest.
describe.runIf(postgresAvailable())(
  "the pg-boss scheduler on a throwaway PostgreSQL (runs when initdb is installed)",
  () => {
    let cluster: PostgresCluster;
    let recordFile: string;
    let instances: Instance[] = [];

    beforeAll(async () => {
      cluster = await startPostgresCluster();
    });
    afterAll(async () => {
      await cluster?.stop();
    });
    afterEach(async () => {
      for (const instance of instances) {
        if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill("SIGTERM");
        await instance.exited;
      }
      instances = [];
    });

    /** Starts one app instance's scheduler (tests/support/scheduler-instance.ts) and waits until it is ticking. */
    async function startInstance(settings: Record<string, string>): Promise<Instance> {
      recordFile = path.join(test.dir, "runs.jsonl");
      const child = spawn(process.execPath, ["--import", "tsx", "tests/support/scheduler-instance.ts"], {
        cwd: root,
        env: {
          ...process.env,
          PG_URL: cluster.url,
          JOB_DATABASE: test.file,
          RECORD_FILE: recordFile,
          RETRY_LIMIT: "2",
          TIMEOUT_MS: "10000",
          ...settings,
        },
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      const instance = { child, name: `instance-${child.pid}`, output: () => output, exited };
      instances.push(instance);
      await waitFor(`${instance.name} to start`, async () => {
        if (child.exitCode !== null) throw new Error(`the instance exited: ${output}`);
        return output.includes("ready");
      });
      return instance;
    }

    const recorded = (): Recorded[] =>
      fs.existsSync(recordFile)
        ? fs
            .readFileSync(recordFile, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Recorded)
        : [];

    const runs = () =>
      test.db
        .selectFrom("jobRuns")
        .select([
          "job",
          "runKey",
          "scheduledFor",
          "attempt",
          "startedAt",
          "finishedAt",
          "outcome",
          "error",
          "deadLetter",
          "instance",
        ])
        .orderBy("id")
        .execute();

    const waitFor = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000) =>
      waitUntil(what, check, {
        timeoutMs,
        explain: () =>
          `recorded: ${JSON.stringify(recorded())}; output: ${instances.map((i) => i.output()).join("\n")}`,
      });

    it("two instances on one PostgreSQL: each tick's job is handled exactly once, one at a time", async () => {
      const settings = { JOB_NAME: "tick-once", EVERY_MS: "1000", WORK_MS: "300" };
      await Promise.all([startInstance(settings), startInstance(settings)]);
      const bothTicking = new Date(Date.now() + 1000).toISOString(); // from the first tick both instances saw
      const rows = await waitFor("six ticks handled after both instances started", async () => {
        const handled = (await runs()).filter((r) => r.scheduledFor >= bothTicking && r.finishedAt);
        return handled.length >= 6 && handled;
      });
      // Both instances sent every tick's job; each tick was handled once: run (or, on a loaded machine,
      // skipped because it could start only after the next tick), and none was missed.
      expect(new Set(rows.map((r) => r.scheduledFor)).size, JSON.stringify(rows)).toBe(rows.length);
      const ticks = rows.map((r) => Date.parse(r.scheduledFor)).sort();
      expect(ticks.slice(1).map((t, i) => t - ticks[i]!)).toEqual(ticks.slice(1).map(() => 1000));
      const ran = rows.filter((r) => r.outcome === "ok");
      expect(ran.length).toBeGreaterThanOrEqual(3);
      expect(rows.every((r) => r.outcome === "ok" || r.outcome === "skipped")).toBe(true);
      expect(ran.every((r) => r.attempt === 1)).toBe(true);
      for (let i = 1; i < ran.length; i++) expect(ran[i]!.startedAt >= ran[i - 1]!.finishedAt!).toBe(true);

      // The job itself saw each tick it ran once, whichever instance ran it.
      const starts = recorded().filter((r) => r.event === "start" && r.scheduledFor >= bothTicking);
      const perTick = new Map<string, number>();
      for (const start of starts) perTick.set(start.scheduledFor, (perTick.get(start.scheduledFor) ?? 0) + 1);
      expect(
        [...perTick.values()].every((n) => n === 1),
        JSON.stringify([...perTick]),
      ).toBe(true);
      const [schedule] = await listScheduledJobs(test.db);
      expect(schedule).toMatchObject({ job: "tick-once", scheduler: "pg-boss", everyMs: 1000, deadLetter: null });
    }, 60_000);

    it("an instance killed mid-job (SIGKILL): the other finishes the job once pg-boss expires it", async () => {
      // A first attempt works 2.5 s, time for the test to see it start and kill its instance on a loaded
      // machine; the retry 0.3 s, well inside the 4 s time limit after which pg-boss takes a job for dead.
      const settings = {
        JOB_NAME: "tick-crash",
        EVERY_MS: "4000",
        WORK_MS: "2500",
        RETRY_WORK_MS: "300",
        TIMEOUT_MS: "4000",
      };
      const pair = await Promise.all([startInstance(settings), startInstance(settings)]);
      const first = await waitFor("a job to start", async () => recorded().find((r) => r.event === "start"));
      const victim = pair.find((i) => i.name === first.instance);
      const survivor = pair.find((i) => i.name !== first.instance);
      if (!victim || !survivor) throw new Error(`no instance ran the job: ${JSON.stringify(first)}`);
      victim.child.kill("SIGKILL");
      await victim.exited;

      const finished = await waitFor(
        "the survivor to finish the killed instance's job",
        async () => recorded().find((r) => r.event === "end" && r.scheduledFor === first.scheduledFor),
        30_000,
      );
      expect(finished).toMatchObject({ instance: survivor.name, attempt: 2 });
      expect(recorded().filter((r) => r.scheduledFor === first.scheduledFor && r.instance === victim.name)).toEqual([
        expect.objectContaining({ event: "start", attempt: 1 }),
      ]);
      const rows = (await runs()).filter((r) => r.runKey === tickJobId("tick-crash", first.scheduledFor));
      expect(rows.map((r) => [r.attempt, r.outcome, r.instance, r.error])).toEqual([
        [1, "failed", victim.name, "stopped before it finished: the process running it ended"],
        [2, "ok", survivor.name, null],
      ]);
    }, 60_000);

    it("a failing job is retried with backoff, then recorded as a dead letter", async () => {
      await startInstance({ JOB_NAME: "tick-fails", EVERY_MS: "3000", WORK_MS: "50", FAIL: "1", RETRY_LIMIT: "1" });
      const dead = await waitFor("a dead letter", async () => (await runs()).find((r) => r.deadLetter === 1));
      const rows = (await runs()).filter((r) => r.runKey === dead.runKey);
      expect(rows.map((r) => [r.attempt, r.outcome, r.deadLetter, r.error])).toEqual([
        [1, "failed", 0, "the test job fails on purpose"],
        [2, "failed", 1, "the test job fails on purpose"],
      ]);
      // pg-boss's backoff: at least the 1 s retry delay between the attempts.
      expect(Date.parse(rows[1]!.startedAt) - Date.parse(rows[0]!.finishedAt!)).toBeGreaterThanOrEqual(900);
      const [schedule] = await listScheduledJobs(test.db);
      expect(schedule?.deadLetter).toMatchObject({ attempt: 2, scheduledFor: dead.scheduledFor });
    }, 60_000);

    it("a tick whose job could start only after the next tick came (the previous run was going) is skipped", async () => {
      await startInstance({ JOB_NAME: "tick-slow", EVERY_MS: "1000", WORK_MS: "2500" });
      const rows = await waitFor("a skipped tick and two runs", async () => {
        const all = await runs();
        return all.some((r) => r.outcome === "skipped") && all.filter((r) => r.outcome === "ok").length >= 2 && all;
      });
      const skipped = rows.filter((r) => r.outcome === "skipped");
      expect(skipped[0]).toMatchObject({
        attempt: 0,
        error: "it waited past the next tick for the previous run to finish",
      });
      const ran = rows.filter((r) => r.outcome !== "skipped" && r.finishedAt);
      for (let i = 1; i < ran.length; i++) expect(ran[i]!.startedAt >= ran[i - 1]!.finishedAt!).toBe(true);
      expect(new Set(rows.map((r) => r.scheduledFor)).size).toBe(rows.length);
    }, 60_000);
  },
);
