import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./waiting";

/**
 * Where PostgreSQL's server programs are: on the PATH, or (Debian's `postgresql` package, which keeps
 * them off the PATH) the newest /usr/lib/postgresql/<version>/bin, as scripts/with-postgres.sh finds them.
 */
function serverProgram(name: "initdb" | "pg_ctl"): string {
  if (spawnSync(name, ["--version"], { stdio: "ignore" }).status === 0) return name;
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, "bin", name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions[0] ? path.join(root, versions[0], "bin", name) : name;
}

/** PostgreSQL's server tools are installed. */
export function postgresAvailable(): boolean {
  return spawnSync(serverProgram("initdb"), ["--version"], { stdio: "ignore" }).status === 0;
}

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback). */
  url: string;
  stop: () => Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster: initdb into a temporary folder and pg_ctl on a free port, its unix
 * socket in that folder too; no system service. PostgreSQL refuses to run as root, so as root the
 * tools run as `nobody`.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-pg-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("chown", ["nobody", dir]);
  const run = (name: "initdb" | "pg_ctl", args: string[]) => {
    const command = serverProgram(name);
    return asRoot
      ? execFileSync("runuser", ["-u", "nobody", "--", command, ...args], { cwd: dir, stdio: "pipe" })
      : execFileSync(command, args, { cwd: dir, stdio: "pipe" });
  };
  // Locale C: byte order and ASCII-only lower(), as SQLite and as scripts/with-postgres.sh's cluster.
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const log = path.join(dir, "server.log");
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    try {
      run("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "start"]);
      break;
    } catch (error) {
      // The port was free when picked and taken before the server bound it: pick another.
      const said = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
      if (attempt < 3 && /could not bind|Address already in use/i.test(said)) continue;
      throw error;
    }
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
