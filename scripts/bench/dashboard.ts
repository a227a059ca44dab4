import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { migrateToLatest, openDatabase } from "../../db/database";
import { loadConfig } from "../../app/config.server";
import { insertContributions, type NewContribution } from "../../app/models/contribution.server";
import { PeopleResolver } from "../../app/models/person.server";
import { seededRandom } from "../../app/demo/seeded-random";
import { addDays } from "../../app/stewardship/metrics";

// Paths drawn for synthetic work: about a fifth touches a stage, the rest is the rest of CPython.
const stagePaths = [
  "Python/optimizer.c",
  "Python/optimizer_bytecodes.c",
  "Python/optimizer_analysis.c",
  "Python/jit.c",
  "Tools/jit/_targets.py",
];
const otherPaths = [
  "Objects/listobject.c",
  "Lib/asyncio/tasks.py",
  "Modules/_io/bufferedio.c",
  "Doc/whatsnew/3.15.rst",
];

function syntheticContribution(i: number, random: () => number, asOf: string, people: number): NewContribution {
  const day = addDays(asOf, -Math.floor(random() * 5 * 365));
  const jit = random() < 0.2;
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] ?? (list[0] as T);
  const files = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => ({
    path: jit && k === 0 ? pick(stagePaths) : `${pick(otherPaths)}.${k}`,
    added: Math.floor(random() * 40),
    deleted: Math.floor(random() * 20),
  }));
  // A skewed population: a few people do most of the work, as in real projects.
  const person = Math.floor(people * random() ** 3);
  return {
    kind: "commit",
    source: "git",
    sha: i.toString(16).padStart(40, "0"),
    prNumber: 100_000 + i,
    title: `Synthetic change ${i}`,
    occurredAt: `${day}T12:00:00Z`,
    refs: [],
    labels: [],
    files,
    people: [{ identity: { name: `Person ${person}`, email: `person${person}@bench.invalid` }, role: "author" }],
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Writes `contributions` synthetic contributions into a fresh database file; returns seconds taken. */
export async function fillSyntheticDatabase(file: string, contributions: number, asOf: string): Promise<number> {
  const config = loadConfig();
  const db = openDatabase(file);
  try {
    await migrateToLatest(db);
    const random = seededRandom(42);
    const people = await PeopleResolver.load(db, config);
    const start = performance.now();
    for (let first = 0; first < contributions; first += 2000) {
      const items = Array.from({ length: Math.min(2000, contributions - first) }, (_, k) =>
        syntheticContribution(first + k, random, asOf, Math.max(50, contributions / 100)),
      );
      await db.transaction().execute((trx) => insertContributions(trx, { config, people, items }));
    }
    return (performance.now() - start) / 1000;
  } finally {
    await db.destroy();
  }
}

/**
 * Fills a fresh database with `contributions` synthetic contributions and times the dashboard
 * route's real loader on it (in-process, as remix-serve runs it).
 */
export async function benchDashboard({ contributions, requests = 60 }: { contributions: number; requests?: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-bench-"));
  const file = path.join(dir, "bench.sqlite");
  const asOf = "2026-11-01";
  try {
    const fillSeconds = await fillSyntheticDatabase(file, contributions, asOf);
    process.env.DATABASE_URL = file;
    const { loader } = await import("../../app/routes/_index");
    const { closeDb } = await import("../../app/db.server");
    const call = () => loader({ request: new Request(`http://bench.invalid/?asOf=${asOf}`), params: {}, context: {} });
    for (let i = 0; i < 5; i++) await call(); // warm up SQLite's page cache and V8
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const start = performance.now();
      await call();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    await closeDb();
    return {
      contributions,
      fillSeconds: Number(fillSeconds.toFixed(1)),
      p50Ms: Number(percentile(times, 50).toFixed(1)),
      p95Ms: Number(percentile(times, 95).toFixed(1)),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
