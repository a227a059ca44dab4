// `npm run bench`: the numbers the issues ask for, printed as a table and as JSON for notes.
import { benchDashboard } from "./bench/dashboard";
import { benchGitHubSync } from "./bench/github";
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

const pullRequests = Number(process.env.BENCH_PULL_REQUESTS ?? 30_000);
console.log(`GitHub sync: simulator with ${pullRequests} pull requests …`);
results.github = await benchGitHubSync({ pullRequests });
console.table(results.github);

console.log(JSON.stringify(results, null, 2));
