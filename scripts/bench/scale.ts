import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { isPostgresUrl, migrateToLatest, openDatabaseUrl, shownUrl } from "../../db/database";
import {
  dropPostgresDatabase,
  ensurePostgresDatabase,
  postgresBackendPid,
  postgresDatabaseBytes,
  vacuumAnalyze,
} from "../../db/postgres";
import { loadConfig } from "../../app/config.server";
import { insertContributions, type NewContribution } from "../../app/models/contribution.server";
import { getMeta, setMeta } from "../../app/models/meta.server";
import { PeopleResolver } from "../../app/models/person.server";
import { seededRandom } from "../../app/demo/seeded-random";
import { addDays } from "../../app/stewardship/metrics";
import { buildIfStale } from "../build-if-stale";
import { countCpu, measureCpu, parentPid } from "./cpu";
import { addOpenPullRequestsAndOwners } from "./knowledge";
import { freePort, waitForHttp } from "../../tests/support/waiting";
import { drive } from "./load";

const root = path.resolve(import.meta.dirname, "../..");
const asOf = "2026-11-01";
const round = (n: number) => Math.round(n * 10) / 10;

// A CPython-sized tree: stage files, and some twenty thousand others in a few hundred folders.
const stagePaths = [
  "Python/optimizer.c",
  "Python/optimizer_bytecodes.c",
  "Python/optimizer_analysis.c",
  "Python/optimizer_symbols.c",
  "Python/jit.c",
  "Tools/jit/_targets.py",
  "Tools/jit/_stencils.py",
];
const folders = ["Lib", "Lib/test", "Objects", "Modules", "Doc/library", "Python", "Include/internal", "Tools"];
const otherPath = (n: number) => `${folders[n % folders.length]}/part_${n % 300}/file_${n}.${n % 3 ? "py" : "c"}`;

/**
 * One synthetic contribution of the scale data set: over five years, a skewed population of people
 * (a few do most of the work), three to seven files (five on average: 1M contributions make 5M file
 * rows), a fifth on stage files, a third reviewed by someone else.
 */
function scaleContribution(i: number, random: () => number, people: number): NewContribution {
  const day = addDays(asOf, -Math.floor(random() * 5 * 365));
  const jit = random() < 0.2;
  const count = 3 + Math.floor(random() * 5);
  const paths = new Set<string>();
  if (jit) paths.add(stagePaths[Math.floor(random() * stagePaths.length)] ?? "Python/jit.c");
  while (paths.size < count) paths.add(otherPath(Math.floor(20_000 * random() ** 2)));
  const files = [...paths].map((p) => ({
    path: p,
    added: Math.floor(random() * 40),
    deleted: Math.floor(random() * 20),
    status: random() < 0.05 ? ("A" as const) : ("M" as const),
  }));
  const person = (n: number) => ({ name: `Person ${n}`, email: `person${n}@bench.invalid` });
  const author = Math.floor(people * random() ** 3);
  const reviewer = Math.floor(people * random() ** 3);
  return {
    kind: "commit",
    source: "git",
    sha: i.toString(16).padStart(40, "0"),
    prNumber: 100_000 + i,
    title: `gh-${120_000 + (i % 50_000)}: Synthetic change ${i}`,
    occurredAt: `${day}T${String(Math.floor(random() * 24)).padStart(2, "0")}:00:00Z`,
    refs: [120_000 + (i % 50_000)],
    labels: [],
    files,
    people: [
      { identity: person(author), role: "author" },
      ...(random() < 0.33 && reviewer !== author
        ? [{ identity: person(reviewer), role: "reviewer" as const, weight: 0.5 }]
        : []),
    ],
  };
}

/**
 * Where the scale data set lives: with `DATABASE_URL=postgres://…`, a database of its own on that server
 * (`steward_bench_scale_<contributions>`, created when missing; the database DATABASE_URL names is never
 * written); otherwise the SQLite file `file`.
 */
export async function scaleDatabaseUrl({
  contributions,
  databaseUrl,
  file,
}: {
  contributions: number;
  databaseUrl?: string;
  file?: string;
}): Promise<string> {
  if (isPostgresUrl(databaseUrl)) return ensurePostgresDatabase(databaseUrl, benchDatabaseName(contributions));
  return file ?? path.join(os.tmpdir(), `steward-bench-scale-${contributions}.sqlite`);
}

const benchDatabaseName = (contributions: number) => `steward_bench_scale_${contributions}`;

/** An empty database at `url`: the SQLite file and its companions removed, the PostgreSQL database made anew. */
async function emptyDatabase(url: string): Promise<void> {
  if (!isPostgresUrl(url)) {
    for (const f of [url, `${url}-wal`, `${url}-shm`]) fs.rmSync(f, { force: true });
    return;
  }
  await dropPostgresDatabase(url);
  const server = new URL(url);
  const name = decodeURIComponent(server.pathname.slice(1));
  server.pathname = "/postgres";
  await ensurePostgresDatabase(server.toString(), name);
}

const completeKey = "bench.scale.contributions";
/** `<target> <stored>`: how far a build got, written in each batch's transaction. */
const progressKey = "bench.scale.progress";

/**
 * The scale database at `url` (a SQLite file or a postgres:// URL), built unless a complete one of this
 * size is already there. Building 1M contributions takes minutes; each batch commits with the position
 * reached, so a build that was stopped resumes there (the generator replays the contributions already
 * stored, without writing them). The data set is the same on both databases.
 */
async function ensureScaleDatabase(url: string, contributions: number) {
  let stored = 0;
  if (isPostgresUrl(url) || fs.existsSync(url)) {
    const db = openDatabaseUrl(url);
    try {
      await migrateToLatest(db);
      if ((await getMeta(db, completeKey)) === String(contributions)) {
        return { built: false, resumedAt: null, buildSeconds: 0 };
      }
      const [target, through] = (await getMeta(db, progressKey))?.split(" ") ?? [];
      if (target === String(contributions)) stored = Number(through) || 0;
    } finally {
      await db.destroy();
    }
  }
  if (stored === 0) await emptyDatabase(url);
  const start = performance.now();
  const config = loadConfig();
  const db = openDatabaseUrl(url);
  try {
    await migrateToLatest(db);
    const random = seededRandom(7);
    const people = Math.max(50, Math.round(contributions / 200));
    for (let i = 0; i < stored; i++) scaleContribution(i, random, people);
    if (stored) console.log(`  resuming at ${stored} contributions …`);
    const resolver = await PeopleResolver.load(db, config);
    const batch = 5000;
    for (let first = stored; first < contributions; first += batch) {
      const items = Array.from({ length: Math.min(batch, contributions - first) }, (_, k) =>
        scaleContribution(first + k, random, people),
      );
      await db.transaction().execute(async (trx) => {
        await insertContributions(trx, { config, people: resolver, items });
        await setMeta(trx, progressKey, `${contributions} ${first + items.length}`);
      });
      if ((first / batch) % 20 === 19) {
        console.log(`  ${first + batch} contributions, ${round((performance.now() - start) / 1000)} s …`);
      }
    }
  } finally {
    await db.destroy();
  }
  await addOpenPullRequestsAndOwners(url, 200, asOf);
  const db2 = openDatabaseUrl(url);
  try {
    // What autovacuum does within minutes of a bulk load, done before timing anything.
    if (isPostgresUrl(url)) await vacuumAnalyze(db2);
    await setMeta(db2, completeKey, String(contributions));
  } finally {
    await db2.destroy();
  }
  return { built: true, resumedAt: stored || null, buildSeconds: round((performance.now() - start) / 1000) };
}

/** The database's size on disk in MB: the SQLite file, or `pg_database_size`. */
async function databaseMb(url: string): Promise<number> {
  if (!isPostgresUrl(url)) return Math.round(fs.statSync(url).size / 1024 / 1024);
  const db = openDatabaseUrl(url);
  try {
    return Math.round((await postgresDatabaseBytes(db)) / 1024 / 1024);
  } finally {
    await db.destroy();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Every page's loader, in-process as remix-serve runs it: `cold` is the first view after a write (the
 * caches per data version dropped, as after any import or webhook; the median and the slowest of three),
 * p50/p95 the views after it.
 */
async function timeLoaders(url: string, requests: number) {
  process.env.DATABASE_URL = url;
  // Time every view to its end: a view past the app's limit (STEWARD_QUERY_TIMEOUT_MS, 5 s by default)
  // would be a 503, which says less. The served instances keep the limit.
  const limit = process.env.STEWARD_QUERY_TIMEOUT_MS;
  process.env.STEWARD_QUERY_TIMEOUT_MS = "120000";
  const { getDb, getReadDb, closeDb } = await import("../../app/db.server");
  const readDb = await getReadDb();
  // The skewed population makes Person 0 the busiest.
  const resolver = await PeopleResolver.load(readDb, loadConfig());
  const person = resolver.resolveKnown({ name: "Person 0", email: "person0@bench.invalid" })?.personId ?? 1;
  const routes: Array<[string, string, () => Promise<{ loader: (args: never) => unknown }>, Record<string, string>]> = [
    ["/", `/?asOf=${asOf}`, () => import("../../app/routes/_index"), {}],
    ...loadConfig().stageIds.map(
      (stage) =>
        [
          `/stages/${stage}`,
          `/stages/${stage}?asOf=${asOf}`,
          () => import("../../app/routes/stages.$stage"),
          { stage },
        ] as [string, string, () => Promise<{ loader: (args: never) => unknown }>, Record<string, string>],
    ),
    [
      `/people/${person}`,
      `/people/${person}?asOf=${asOf}`,
      () => import("../../app/routes/people.$id"),
      { id: String(person) },
    ],
    ["/contributions", `/contributions`, () => import("../../app/routes/contributions"), {}],
    ["/tasks", `/tasks`, () => import("../../app/routes/tasks"), {}],
    ["/planning", `/planning?asOf=${asOf}`, () => import("../../app/routes/planning"), {}],
    ["/onboarding", `/onboarding?asOf=${asOf}`, () => import("../../app/routes/onboarding"), {}],
    ["/audit", `/audit`, () => import("../../app/routes/audit"), {}],
    ["/api/bus-factor", `/api/bus-factor?asOf=${asOf}`, () => import("../../app/routes/api.bus-factor"), {}],
    ["/api/knowledge", `/api/knowledge?asOf=${asOf}`, () => import("../../app/routes/api.knowledge"), {}],
  ];
  const writer = await getDb();
  const database = await postmasterPid(url);
  const rows = [];
  for (const [name, url, load, params] of routes) {
    const { loader } = await load();
    const call = async () => {
      const start = performance.now();
      const result = (await (loader as (args: unknown) => Promise<unknown>)({
        request: new Request(`http://bench.invalid${url}`),
        params,
        context: {},
      })) as unknown;
      if (result instanceof Response && result.status !== 200) throw new Error(`${url} answered ${result.status}`);
      return performance.now() - start;
    };
    const cold: number[] = [];
    const coldCpu: number[] = [];
    for (let i = 0; i < 3; i++) {
      await setMeta(writer, "bench.scale.touch", String(performance.now())); // a write: caches start afresh
      const cpu = countCpu(database);
      cold.push(await call());
      coldCpu.push(cpu() * 1000);
    }
    const times: number[] = [];
    const cpu = countCpu(database);
    for (let i = 0; i < requests; i++) times.push(await call());
    const warmCpuMs = (cpu() * 1000) / requests;
    times.sort((a, b) => a - b);
    cold.sort((a, b) => a - b);
    coldCpu.sort((a, b) => a - b);
    rows.push({
      path: name,
      coldMs: round(percentile(cold, 50)),
      // The slowest first view: every one must stay under the issue's 500 ms.
      coldMaxMs: round(cold.at(-1) ?? Number.NaN),
      p50Ms: round(percentile(times, 50)),
      p95Ms: round(percentile(times, 95)),
      // CPU time of the app (this process) and the database server per view: what other work sharing
      // the machine barely changes, unlike the times above.
      coldCpuMs: Math.round(percentile(coldCpu, 50)),
      warmCpuMs: Math.round(warmCpuMs),
    });
    console.log(rows.at(-1));
  }
  await closeDb();
  if (limit === undefined) delete process.env.STEWARD_QUERY_TIMEOUT_MS;
  else process.env.STEWARD_QUERY_TIMEOUT_MS = limit;
  return rows;
}

/** Peak resident memory of a process so far (Linux: VmHWM), in MB; null where /proc has none. */
function peakRssMb(pid: number | undefined): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** `count` instances of the built app (remix-serve, as users run it) on `url`, each on its own port. */
async function startInstances(count: number, url: string): Promise<Array<{ server: ChildProcess; base: string }>> {
  const serve = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  const instances: Array<{ server: ChildProcess; base: string }> = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const server = spawn(process.execPath, [serve, "build/index.js"], {
        cwd: root,
        env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: url },
        stdio: ["ignore", "ignore", "inherit"],
      });
      instances.push({ server, base: `http://127.0.0.1:${port}` });
    }
    for (const { server, base } of instances)
      await waitForHttp(`${base}/api/bus-factor?asOf=${asOf}`, server, { timeoutMs: 120_000 });
    return instances;
  } catch (error) {
    await stopInstances(instances);
    throw error;
  }
}

async function stopInstances(instances: Array<{ server: ChildProcess }>): Promise<void> {
  await Promise.all(
    instances.map(({ server }) => {
      if (server.exitCode !== null || server.signalCode !== null) return undefined;
      const exited = new Promise((resolve) => server.on("exit", resolve));
      server.kill("SIGTERM");
      return exited;
    }),
  );
}

/** The PostgreSQL server's postmaster (the parent of a backend) when it runs on this machine; else null. */
async function postmasterPid(url: string): Promise<number | null> {
  if (!isPostgresUrl(url)) return null;
  const db = openDatabaseUrl(url);
  try {
    const backend = await postgresBackendPid(db);
    const parent = parentPid(backend);
    // A backend PostgreSQL forked is a "postgres" process; a remote server's pid means nothing here.
    return parent !== null && fs.existsSync(`/proc/${backend}`) ? parent : null;
  } finally {
    await db.destroy();
  }
}

/**
 * `clients` clients for `seconds` on the dashboard and on the bus-factor API of `count` app instances
 * (requests taken by the instances in turn): throughput, latency, the cores each process used, and each
 * instance's peak RSS.
 */
async function loadOnInstances(
  url: string,
  { count, clients, seconds }: { count: number; clients: number; seconds: number },
) {
  const database = await postmasterPid(url);
  const instances = await startInstances(count, url);
  try {
    const pages = [`/?asOf=${asOf}`, `/api/bus-factor?asOf=${asOf}`];
    const urls = (page: string) => instances.map(({ base }) => `${base}${page}`);
    await drive(urls(pages[0] ?? "/"), { clients, seconds: 2 }); // warm up: each instance's caches filled
    const rows = [];
    for (const page of pages) {
      const cpu = measureCpu({ app: instances.map(({ server }) => server.pid ?? 0), database });
      const figures = await drive(urls(page), { clients, seconds });
      const cores = cpu();
      rows.push({
        instances: count,
        path: figures.path,
        requestsPerSecond: figures.requestsPerSecond,
        p50Ms: figures.p50Ms,
        p95Ms: figures.p95Ms,
        errors: figures.errors,
        // Answers per second for each core the app instances used: flat from one instance to two means
        // the app scales with the cores it gets, and the machine is the limit.
        perAppCore: round(figures.requestsPerSecond / cores.app.reduce((a, b) => a + b, 0)),
        appCores: cores.app.join(" + "),
        databaseCores: cores.database,
        benchCores: cores.bench,
        otherCores: cores.other,
        machineCores: cores.machine,
      });
      console.log(rows.at(-1));
    }
    return { rows, peakRssMb: instances.map(({ server }) => peakRssMb(server.pid)) };
  } finally {
    await stopInstances(instances);
  }
}

/**
 * The bench at scale (issue 12): builds (or reuses) a database of `contributions` contributions with
 * five files each, on SQLite or PostgreSQL (`url`, see scaleDatabaseUrl), times every page's loader
 * single-client, then serves the built app on it, once with one instance and once with each of
 * `instances` (default 1 and 2), driving `clients` clients for `seconds` at the dashboard and the
 * bus-factor API; reports the cores each process used and the servers' peak RSS.
 */
export async function benchScale({
  contributions,
  url,
  requests = 10,
  clients = 30,
  seconds = 20,
  instances = [1, 2],
}: {
  contributions: number;
  url: string;
  requests?: number;
  clients?: number;
  seconds?: number;
  instances?: number[];
}) {
  const database = isPostgresUrl(url) ? "postgres" : "sqlite";
  const { built, resumedAt, buildSeconds } = await ensureScaleDatabase(url, contributions);
  const sizeMb = await databaseMb(url);
  const where = isPostgresUrl(url) ? shownUrl(url) : url;
  console.log(`  ${built ? `built in ${buildSeconds} s` : "reused"}: ${where}, ${sizeMb} MB`);
  // The machine's load beside the numbers: on shared cores, timings are only as quiet as the machine.
  const loadBefore = round(os.loadavg()[0] ?? 0);
  const loaders = await timeLoaders(url, requests);
  const loadAfter = round(os.loadavg()[0] ?? 0);
  console.log(`  load average (1 min) ${loadBefore} before the loaders, ${loadAfter} after`);

  if (instances.length && buildIfStale()) console.log("Built the app.");
  const load = [];
  const peakRssMb: Record<string, Array<number | null>> = {};
  for (const count of instances) {
    console.log(`  ${clients} clients on ${count} instance${count === 1 ? "" : "s"} …`);
    const result = await loadOnInstances(url, { count, clients, seconds });
    load.push(...result.rows);
    peakRssMb[`instances${count}`] = result.peakRssMb;
  }
  return {
    database,
    contributions,
    where,
    sizeMb,
    built,
    resumedAt,
    buildSeconds,
    loaders,
    loadAverage: { beforeLoaders: loadBefore, afterLoaders: loadAfter },
    load,
    serverPeakRssMb: peakRssMb,
  };
}
