import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { createSyntheticRepo } from "../../tests/support/synthetic-repo";
import { freePort, waitForHttp } from "../../tests/support/waiting";
import { buildIfStale } from "../build-if-stale";
import { fillSyntheticDatabase } from "./dashboard";
import { MAX_WINDOW_DAYS } from "../../app/stewardship/metrics";

const root = path.resolve(import.meta.dirname, "../..");
const asOf = "2026-11-01";

export interface LoadFigures {
  path: string;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  maxBytes: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * `clients` loops each sending one request after another to `url` for `seconds`, over loopback with
 * keep-alive (Node's fetch): requests per second, latency percentiles, the largest answer, and every
 * answer that is not a 200 (or fails) counted as an error. Several URLs (the same page on several app
 * instances) are taken in turn, request by request, as a round-robin load balancer would.
 */
export async function drive(
  urls: string | string[],
  { clients, seconds, until }: { clients: number; seconds: number; until?: Promise<unknown> },
) {
  const targets = typeof urls === "string" ? [urls] : urls;
  const url = targets[0] ?? "";
  let turn = 0;
  const times: number[] = [];
  let errors = 0;
  let maxBytes = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  let stopped = false;
  void until?.then(() => (stopped = true));
  const client = async () => {
    while (performance.now() < end && !stopped) {
      const start = performance.now();
      try {
        const response = await fetch(targets[turn++ % targets.length] ?? url);
        const body = await response.arrayBuffer();
        maxBytes = Math.max(maxBytes, body.byteLength);
        if (response.status !== 200) errors += 1;
      } catch {
        errors += 1;
      }
      times.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    path: new URL(url).pathname + new URL(url).search,
    seconds: round(elapsed),
    requests: times.length,
    requestsPerSecond: round(times.length / elapsed),
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    p99Ms: round(percentile(times, 99)),
    maxMs: round(times.at(-1) ?? Number.NaN),
    maxBytes,
    errors,
  } satisfies LoadFigures;
}

/**
 * Load as a team makes it: the built app served by remix-serve over `contributions` synthetic
 * contributions, `clients` concurrent clients for `seconds` on the dashboard and the bus-factor API,
 * then the dashboard again while a git import writes to the same file from another process, then
 * the stage page with the largest window the parameters allow (its size and time, alone).
 */
export async function benchLoad({
  contributions,
  clients,
  seconds,
  importCommits,
}: {
  contributions: number;
  clients: number;
  seconds: number;
  importCommits: number;
}) {
  if (buildIfStale()) console.log("Built the app.");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-bench-load-"));
  const file = path.join(dir, "bench.sqlite");
  const repo = path.join(dir, "repo");
  let server: ChildProcess | undefined;
  try {
    const fillSeconds = await fillSyntheticDatabase(file, contributions, asOf);
    createSyntheticRepo(repo, { commits: importCommits });
    const port = await freePort();
    const serve = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
    server = spawn(process.execPath, [serve, "build/index.js"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: file },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/api/bus-factor?asOf=${asOf}`, server, { timeoutMs: 120_000 });
    const dashboard = `${base}/?asOf=${asOf}`;
    const api = `${base}/api/bus-factor?asOf=${asOf}`;
    await drive(dashboard, { clients, seconds: 2 }); // warm up

    const alone = [await drive(dashboard, { clients, seconds }), await drive(api, { clients, seconds })];

    const importer = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/import-git.ts", repo, "--batch-size", "500"],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: file },
        stdio: "ignore",
      },
    );
    const importStart = performance.now();
    const imported = new Promise<number>((resolve) =>
      importer.on("exit", () => resolve(round((performance.now() - importStart) / 1000))),
    );
    // Only while the import runs: the figures say what a writer beside the readers costs.
    const duringImport = await drive(dashboard, { clients, seconds, until: imported });
    const importStillRunning = importer.exitCode === null;
    const importSeconds = await imported;

    // The widest window a page accepts (a wider one is a 400).
    const widest = `${base}/stages/middle-end?asOf=${asOf}&window=${MAX_WINDOW_DAYS}&min=1`;
    const start = performance.now();
    const response = await fetch(widest);
    const bytes = (await response.arrayBuffer()).byteLength;
    const widestStage = {
      path: new URL(widest).pathname + new URL(widest).search,
      status: response.status,
      bytes,
      ms: round(performance.now() - start),
    };
    return {
      contributions,
      fillSeconds: round(fillSeconds),
      clients,
      seconds,
      alone,
      duringImport: { ...duringImport, importCommits, importSeconds, importOutlastedLoad: importStillRunning },
      widestStage,
    };
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.on("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
