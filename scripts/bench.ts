// `npm run bench [-- import|dashboard|load|github|knowledge …]`: the numbers the issues ask for, printed as a
// table and as JSON for notes. Naming parts runs only those; no name runs them all.
import { benchDashboard } from "./bench/dashboard";
import { benchGitHubSync } from "./bench/github";
import { benchImport } from "./bench/import";
import { benchKnowledge } from "./bench/knowledge";
import { benchLoad } from "./bench/load";
import { benchOnboarding } from "./bench/onboarding";
import { benchScale, scaleDatabaseUrl } from "./bench/scale";
import { isPostgresUrl } from "../db/database";

const parts = ["import", "dashboard", "onboarding", "load", "github", "knowledge", "scale"] as const;
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !parts.some((part) => part === name));
if (unknown.length) {
  console.error(`steward: unknown bench part ${unknown.join(", ")}; use any of: ${parts.join(", ")}`);
  process.exit(1);
}
// `scale` builds a 1M-contribution database (minutes, a few GB): only when named.
const runs = (part: (typeof parts)[number]) => (asked.length === 0 && part !== "scale") || asked.includes(part);

const commits = Number(process.env.BENCH_COMMITS ?? 30_000);
const sizes = (process.env.BENCH_CONTRIBUTIONS ?? "10000,200000").split(",").map(Number);

const results: Record<string, unknown> = {};

if (runs("import")) {
  console.log(`Import: synthetic repository of ${commits} commits …`);
  results.import = await benchImport({ commits, runs: Number(process.env.BENCH_IMPORT_RUNS ?? 3) });
  console.table(results.import);
}

if (runs("dashboard")) {
  for (const contributions of sizes) {
    console.log(`Dashboard loader: ${contributions} contributions …`);
    results[`dashboard_${contributions}`] = await benchDashboard({ contributions });
    console.table(results[`dashboard_${contributions}`]);
  }
}

if (runs("onboarding")) {
  const contributions = Number(process.env.BENCH_ONBOARDING_CONTRIBUTIONS ?? 200_000);
  console.log(`Onboarding loaders: ${contributions} contributions …`);
  results.onboarding = await benchOnboarding({ contributions });
  console.log(results.onboarding);
}

if (runs("load")) {
  const contributions = Number(process.env.BENCH_LOAD_CONTRIBUTIONS ?? 200_000);
  const clients = Number(process.env.BENCH_CLIENTS ?? 30);
  const seconds = Number(process.env.BENCH_SECONDS ?? 20);
  console.log(`Load: ${clients} clients for ${seconds} s on the served app at ${contributions} contributions …`);
  const load = await benchLoad({ contributions, clients, seconds, importCommits: commits });
  results.load = load;
  console.table([...load.alone, load.duringImport]);
  console.table([load.widestStage]);
}

if (runs("github")) {
  const pullRequests = Number(process.env.BENCH_PULL_REQUESTS ?? 30_000);
  console.log(`GitHub sync: simulator with ${pullRequests} pull requests …`);
  results.github = await benchGitHubSync({ pullRequests });
  console.table(results.github);
}

if (runs("knowledge")) {
  const contributions = Number(process.env.BENCH_LOAD_CONTRIBUTIONS ?? 200_000);
  console.log(`Knowledge: stage page, /api/knowledge and /api/reviewers at ${contributions} contributions …`);
  results.knowledge = await benchKnowledge({ contributions });
  console.table(results.knowledge);
}

if (runs("scale")) {
  const contributions = Number(process.env.BENCH_SCALE_CONTRIBUTIONS ?? 1_000_000);
  // DATABASE_URL=postgres://… benches PostgreSQL, in a database of its own on that server.
  const url = await scaleDatabaseUrl({
    contributions,
    databaseUrl: process.env.DATABASE_URL,
    file: process.env.BENCH_SCALE_FILE || undefined,
  });
  // BENCH_INSTANCES=1,2 (default): the load test on one instance, then on two; empty: loaders only.
  const instances = (process.env.BENCH_INSTANCES ?? "1,2")
    .split(",")
    .map(Number)
    .filter((n) => n > 0);
  console.log(
    `Scale: ${contributions} contributions (five files each) on ${isPostgresUrl(url) ? "PostgreSQL" : "SQLite"}, every page, ${process.env.BENCH_CLIENTS ?? 30} clients on ${instances.join(" and ") || "no"} instances …`,
  );
  const scale = await benchScale({
    contributions,
    url,
    clients: Number(process.env.BENCH_CLIENTS ?? 30),
    seconds: Number(process.env.BENCH_SECONDS ?? 20),
    instances,
  });
  results.scale = scale;
  console.table(scale.loaders);
  console.table(scale.load);
}

console.log(JSON.stringify(results, null, 2));
