// `npm run bench`: the numbers the issues ask for, printed as a table and as JSON for notes.
import { benchDashboard } from "./bench/dashboard";
import { benchImport } from "./bench/import";

const commits = Number(process.env.BENCH_COMMITS ?? 30_000);
const sizes = (process.env.BENCH_CONTRIBUTIONS ?? "10000,200000").split(",").map(Number);

const results: Record<string, unknown> = {};

console.log(`Import: synthetic repository of ${commits} commits …`);
results.import = await benchImport({ commits });
console.table(results.import);

for (const contributions of sizes) {
  console.log(`Dashboard loader: ${contributions} contributions …`);
  results[`dashboard_${contributions}`] = await benchDashboard({ contributions });
  console.table(results[`dashboard_${contributions}`]);
}

console.log(JSON.stringify(results, null, 2));
