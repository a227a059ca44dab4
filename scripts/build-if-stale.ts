import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** True when build/index.js is missing or older than anything the server bundle is built from. */
export function buildIsStale(): boolean {
  const built = fs.statSync(path.join(root, "build/index.js"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = ["app", "db", "remix.config.js", "package.json", "tsconfig.json"].map((p) =>
    newestMtime(path.join(root, p)),
  );
  return built === 0 || Math.max(...sources) > built;
}

/** Runs `npm run build` when the build is stale; throws if the build fails. */
export function buildIfStale(): boolean {
  if (!buildIsStale()) return false;
  // Always a production build: under vitest NODE_ENV is "test", which would emit development JSX
  // that remix-serve (NODE_ENV=production) cannot run.
  const result = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`The app build failed (exit ${result.status ?? result.signal}).`);
  return true;
}
