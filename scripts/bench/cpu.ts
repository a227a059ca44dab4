import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { performance } from "node:perf_hooks";

// How many cores each part of a load test used, from Linux's /proc: the app instances, the database
// server's processes, the bench's own clients, and the rest of the machine (other work beside the bench).
// On a machine where they all share two cores, this says whether the machine or the app is the limit.

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The fields of /proc/<pid>/stat after the command name (state is [0], ppid [1], utime [11] …); null when gone. */
function statFields(pid: number): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** CPU seconds a process has used (user and system), with its reaped children's if `children`. */
function processSeconds(pid: number, { children = false } = {}): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  const ticks = (utime ?? 0) + (stime ?? 0) + (children ? (cutime ?? 0) + (cstime ?? 0) : 0);
  return ticks / clockTicks();
}

/** The parent of `pid` (for a PostgreSQL backend, the postmaster); null when unknown. */
export function parentPid(pid: number): number | null {
  const ppid = Number(statFields(pid)?.[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : null;
}

/**
 * CPU seconds of a server and every process it started, alive or exited: its own time, its reaped
 * children's (a PostgreSQL backend that closed), and its live children's.
 */
function treeSeconds(root: number): number {
  let total = processSeconds(root, { children: true });
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== root && parentPid(pid) === root) total += processSeconds(pid);
  }
  return total;
}

/** Busy CPU seconds of the whole machine (every core's time not idle or waiting on I/O), from /proc/stat. */
function machineSeconds(): number {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

export interface CpuParts {
  /** The app instances, one figure each. */
  app: number[];
  /** The database server's processes together (null for SQLite, which runs inside the app). */
  database: number | null;
  /** The bench process: its clients and their HTTP. */
  bench: number;
  /** Every other process on the machine (other work sharing it). */
  other: number;
  /** The whole machine. */
  machine: number;
}

/**
 * Starts measuring; the returned function gives the cores each part used since (CPU seconds over
 * wall-clock seconds: 1 is one core busy throughout).
 */
export function measureCpu({ app, database }: { app: number[]; database: number | null }): () => CpuParts {
  const read = () => ({
    at: performance.now(),
    app: app.map((pid) => processSeconds(pid)),
    database: database === null ? null : treeSeconds(database),
    bench: process.cpuUsage(),
    machine: machineSeconds(),
  });
  const before = read();
  return () => {
    const after = read();
    const wall = (after.at - before.at) / 1000;
    const cores = (seconds: number) => Math.round((seconds / wall) * 100) / 100;
    const appCores = after.app.map((s, i) => cores(s - (before.app[i] ?? 0)));
    const usage = process.cpuUsage(before.bench);
    const bench = cores((usage.user + usage.system) / 1e6);
    const databaseCores =
      after.database === null || before.database === null ? null : cores(after.database - before.database);
    const machine = cores(after.machine - before.machine);
    const ours = appCores.reduce((a, b) => a + b, 0) + (databaseCores ?? 0) + bench;
    return {
      app: appCores,
      database: databaseCores,
      bench,
      other: Math.max(0, Math.round((machine - ours) * 100) / 100),
      machine,
    };
  };
}

/**
 * Starts counting the CPU seconds this process and the database server (`database`, a postmaster's pid,
 * or null for SQLite, which runs inside this process) spend; the returned function gives them so far.
 * Unlike a view's wall-clock time, barely changed by other work sharing the machine.
 */
export function countCpu(database: number | null): () => number {
  const read = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6 + (database === null ? 0 : treeSeconds(database));
  };
  const before = read();
  return () => read() - before;
}
