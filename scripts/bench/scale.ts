import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { migrateToLatest, openDatabase } from "../../db/database";
import { loadConfig } from "../../app/config.server";
import { insertContributions, type NewContribution } from "../../app/models/contribution.server";
import { getMeta, setMeta } from "../../app/models/meta.server";
import { PeopleResolver } from "../../app/models/person.server";
import { seededRandom } from "../../app/demo/seeded-random";
import { addDays } from "../../app/stewardship/metrics";
import { buildIfStale } from "../build-if-stale";
import { addOpenPullRequestsAndOwners } from "./knowledge";
import { drive, freePort, waitForHttp } from "./load";

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
 * The scale database at `file`, built unless a complete one of this size is already there (building
 * 1M contributions takes minutes; the file is kept outside the repository for the next run).
 */
async function ensureScaleDatabase(file: string, contributions: number) {
  const key = "bench.scale.contributions";
  if (fs.existsSync(file)) {
    const db = openDatabase(file);
    try {
      await migrateToLatest(db);
      if ((await getMeta(db, key)) === String(contributions)) return { built: false, buildSeconds: 0 };
    } finally {
      await db.destroy();
    }
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const start = performance.now();
  const config = loadConfig();
  const db = openDatabase(file);
  try {
    await migrateToLatest(db);
    const random = seededRandom(7);
    const resolver = await PeopleResolver.load(db, config);
    const batch = 5000;
    for (let first = 0; first < contributions; first += batch) {
      const items = Array.from({ length: Math.min(batch, contributions - first) }, (_, k) =>
        scaleContribution(first + k, random, Math.max(50, Math.round(contributions / 200))),
      );
      await db.transaction().execute((trx) => insertContributions(trx, { config, people: resolver, items }));
      if ((first / batch) % 20 === 19) console.log(`  ${first + batch} contributions …`);
    }
  } finally {
    await db.destroy();
  }
  await addOpenPullRequestsAndOwners(file, 200, asOf);
  const db2 = openDatabase(file);
  await setMeta(db2, key, String(contributions));
  await db2.destroy();
  return { built: true, buildSeconds: round((performance.now() - start) / 1000) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Every page's loader, in-process as remix-serve runs it: `cold` is the first view after a write (the
 * caches per data version dropped, as after any import or webhook; the median and the slowest of three),
 * p50/p95 the views after it.
 */
async function timeLoaders(file: string, requests: number) {
  process.env.DATABASE_URL = file;
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
    for (let i = 0; i < 3; i++) {
      await setMeta(writer, "bench.scale.touch", String(performance.now())); // a write: caches start afresh
      cold.push(await call());
    }
    const times: number[] = [];
    for (let i = 0; i < requests; i++) times.push(await call());
    times.sort((a, b) => a - b);
    cold.sort((a, b) => a - b);
    rows.push({
      path: name,
      coldMs: round(percentile(cold, 50)),
      // The slowest first view: every one must stay under the issue's 500 ms.
      coldMaxMs: round(cold.at(-1) ?? Number.NaN),
      p50Ms: round(percentile(times, 50)),
      p95Ms: round(percentile(times, 95)),
    });
    console.log(rows.at(-1));
  }
  await closeDb();
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

/**
 * The bench at scale (issue 12): builds (or reuses) a database of `contributions` contributions with
 * five files each, times every page's loader single-client, then serves the built app on it and drives
 * `clients` clients for `seconds` at the dashboard and the bus-factor API; reports the server's peak RSS.
 */
export async function benchScale({
  contributions,
  file = path.join(os.tmpdir(), `steward-bench-scale-${contributions}.sqlite`),
  requests = 10,
  clients = 30,
  seconds = 20,
}: {
  contributions: number;
  file?: string;
  requests?: number;
  clients?: number;
  seconds?: number;
}) {
  const { built, buildSeconds } = await ensureScaleDatabase(file, contributions);
  const fileMb = Math.round(fs.statSync(file).size / 1024 / 1024);
  console.log(`  ${built ? `built in ${buildSeconds} s` : "reused"}: ${file}, ${fileMb} MB`);
  // The machine's load beside the numbers: on shared cores, timings are only as quiet as the machine.
  const loadBefore = round(os.loadavg()[0] ?? 0);
  const loaders = await timeLoaders(file, requests);
  const loadAfter = round(os.loadavg()[0] ?? 0);
  console.log(`  load average (1 min) ${loadBefore} before the loaders, ${loadAfter} after`);

  if (buildIfStale()) console.log("Built the app.");
  let server: ChildProcess | undefined;
  try {
    const port = await freePort();
    const serve = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
    server = spawn(process.execPath, [serve, "build/index.js"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: file },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/api/bus-factor?asOf=${asOf}`, server);
    const dashboard = `${base}/?asOf=${asOf}`;
    const api = `${base}/api/bus-factor?asOf=${asOf}`;
    await drive(dashboard, { clients, seconds: 2 }); // warm up
    const load = [await drive(dashboard, { clients, seconds }), await drive(api, { clients, seconds })];
    return {
      contributions,
      file,
      fileMb,
      built,
      buildSeconds,
      loaders,
      loadAverage: { beforeLoaders: loadBefore, afterLoaders: loadAfter },
      load,
      serverPeakRssMb: peakRssMb(server.pid),
    };
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.on("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
  }
}
