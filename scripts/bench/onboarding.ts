import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fillSyntheticDatabase } from "./dashboard";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Fills a fresh database with `contributions` synthetic contributions (five years, a fifth of them stage
 * work) and times the onboarding report as computed after a write, then the /onboarding loader, GET
 * /api/onboarding and a stage page (with its newcomers) as remix-serve runs them, the report cached.
 */
export async function benchOnboarding({ contributions, requests = 20 }: { contributions: number; requests?: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-bench-"));
  const file = path.join(dir, "bench.sqlite");
  const asOf = "2026-11-01";
  try {
    const fillSeconds = await fillSyntheticDatabase(file, contributions, asOf);
    process.env.DATABASE_URL = file;
    const page = await import("../../app/routes/onboarding");
    const api = await import("../../app/routes/api.onboarding");
    const stage = await import("../../app/routes/stages.$stage");
    const { closeDb, getReadDb } = await import("../../app/db.server");
    const { getOnboardingReport } = await import("../../app/models/onboarding.server");
    const { loadConfig } = await import("../../app/config.server");
    const config = loadConfig();
    const time = async (call: () => Promise<unknown>) => {
      for (let i = 0; i < 3; i++) await call(); // warm up SQLite's page cache and V8
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const start = performance.now();
        await call();
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      return { p50Ms: Number(percentile(times, 50).toFixed(1)), p95Ms: Number(percentile(times, 95).toFixed(1)) };
    };
    const request = (p: string) => ({ request: new Request(`http://bench.invalid${p}`), context: {} });
    const results = {
      contributions,
      fillSeconds: Number(fillSeconds.toFixed(1)),
      // The report as computed after every write (the pages cache it per data version).
      report: await time(async () => getOnboardingReport(await getReadDb(), { config, asOf, windowDays: 180, min: 2 })),
      onboarding: await time(() => page.loader({ ...request(`/onboarding?asOf=${asOf}`), params: {} })),
      api: await time(() => api.loader({ ...request(`/api/onboarding?asOf=${asOf}`), params: {} })),
      stagePage: await time(() =>
        stage.loader({ ...request(`/stages/middle-end?asOf=${asOf}`), params: { stage: "middle-end" } }),
      ),
    };
    await closeDb();
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
