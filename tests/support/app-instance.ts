import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { freePort } from "./waiting";

// One app instance as a person starts it: `npm start` (scripts/start.ts: migrate, start the scheduler,
// spawn remix-serve on PORT) with the environment a test gives. It runs in a process group of its own,
// so a test can kill the whole instance (start.ts and its web server) at once, SIGKILL included.

const root = path.resolve(import.meta.dirname, "../..");

export interface AppInstance {
  baseUrl: string;
  /** How job_runs names this instance's scheduler: `host:pid` of the start.ts process. */
  instance: string;
  output: () => string;
  /** Sends `signal` to the instance's process group. */
  kill: (signal: NodeJS.Signals) => void;
  exited: Promise<number | null>;
  /** SIGTERM, as Ctrl-C would, and waits for the instance to end. */
  stop: () => Promise<void>;
}

/**
 * Starts `node --import tsx scripts/start.ts` (what `npm start` runs) on a free loopback port with `env`
 * added to this process's, and waits until it serves. The app must be built (buildIfStale) beforehand:
 * instances starting together would otherwise build at once.
 */
export async function startAppInstance(env: Record<string, string>, timeoutMs = 60_000): Promise<AppInstance> {
  const port = await freePort();
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    detached: true,
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const pid = child.pid;
  if (pid === undefined) throw new Error("the app instance did not start");
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  const instance: AppInstance = {
    baseUrl: `http://127.0.0.1:${port}`,
    instance: `${os.hostname()}:${pid}`,
    output: () => output,
    kill,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) kill("SIGTERM");
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!output.includes("Steward is running at")) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The app instance exited (${child.exitCode ?? child.signalCode}) before serving:\n${output}`);
    }
    if (Date.now() > deadline) {
      kill("SIGKILL");
      throw new Error(`The app instance did not serve within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return instance;
}
