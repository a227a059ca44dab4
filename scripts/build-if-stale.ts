import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const projectRoot = path.resolve(import.meta.dirname, "..");

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** The mode Remix built `index.js` in (its server build declares `mode`), or null if it does not say. */
function builtMode(indexJs: string): string | null {
  return /^var mode = "(\w+)"/m.exec(indexJs)?.[1] ?? null;
}

/**
 * True when build/index.js is missing, older than anything the server bundle is built from, or not a
 * production build: `npm run dev` (remix dev) writes a development build to the same place, which
 * remix-serve under NODE_ENV=production cannot run.
 */
export function buildIsStale(root = projectRoot): boolean {
  const index = path.join(root, "build/index.js");
  const built = fs.statSync(index, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built === 0) return true;
  const sources = ["app", "db", "remix.config.js", "package.json", "tsconfig.json"].map((p) =>
    newestMtime(path.join(root, p)),
  );
  return Math.max(...sources) > built || builtMode(fs.readFileSync(index, "utf8")) !== "production";
}

/** Runs `npm run build` when the build is stale; throws if the build fails. */
export function buildIfStale(): boolean {
  if (!buildIsStale()) return false;
  // Always a production build: under vitest NODE_ENV is "test", which would emit development JSX
  // that remix-serve (NODE_ENV=production) cannot run.
  const result = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: projectRoot,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`The app build failed (exit ${result.status ?? result.signal}).`);
  return true;
}
