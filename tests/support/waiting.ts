// Waiting in tests: a free loopback port for a server the test starts, polling until something the
// test cannot be told about directly (a job run recorded, a server answering) has happened, and the UTC
// day a read that measures as of today ran on.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { todayUtc } from "../../app/stewardship/metrics";

/**
 * The ports the kernel hands out by itself (Linux's ip_local_port_range): every outgoing connection of
 * every process on the machine takes its local port from there, as does a server listening on port 0.
 */
function ephemeralPorts(): { low: number; high: number } | null {
  try {
    const [low, high] = fs
      .readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    return low && high ? { low, high } : null;
  } catch {
    return null; // not Linux
  }
}

/** Whether `port` can be bound on loopback now; the probe lets it go again at once. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/**
 * A loopback port nothing listens on now, for a server another process binds a moment (or a few seconds)
 * later. It is picked below the kernel's ephemeral range: a port from that range, free when probed, can
 * be taken in the meantime by any process's outgoing connection (a loaded CI machine opens thousands),
 * and the server then fails to start. Below it, only a server asking for that very port could take it.
 * Where the range is unknown, the OS picks one (port 0), as before.
 */
export async function freePort(): Promise<number> {
  const ephemeral = ephemeralPorts();
  const low = 10_000;
  if (ephemeral && ephemeral.low - low > 1000) {
    for (let tries = 0; tries < 50; tries++) {
      const port = low + Math.floor(Math.random() * (ephemeral.low - low));
      if (await canBind(port)) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Polls `check` every `intervalMs` until it gives a truthy value, and returns that. Past `timeoutMs` it
 * throws, naming `what` and adding what `explain` says of the state (e.g. the job runs recorded, the
 * servers' output), so a timed-out test says why.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  {
    timeoutMs = 20_000,
    intervalMs = 50,
    explain,
  }: { timeoutMs?: number; intervalMs?: number; explain?: () => string | Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}${explain ? `; ${await explain()}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Polls `url` until it answers 2xx: a server `server` started is up and serving. Throws as soon as the
 * server exits, and past `timeoutMs`.
 */
export async function waitForHttp(
  url: string,
  server: ChildProcess,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<void> {
  await waitFor(
    `${url} to answer`,
    async () => {
      if (server.exitCode !== null)
        throw new Error(`The app server exited with ${server.exitCode} before answering ${url}.`);
      return fetch(url).then(
        (response) => response.ok,
        () => false, // not listening yet
      );
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/**
 * Runs `read` (a loader that measures as of today when no asOf is given, say) and returns what it gave
 * with the UTC day it ran on, running it again if midnight UTC passed meanwhile. The test then knows the
 * day the app took for today, instead of a today of its own computed a moment earlier or later.
 */
export async function onOneUtcDay<T>(read: () => Promise<T>): Promise<{ today: string; value: T }> {
  for (;;) {
    const today = todayUtc();
    const value = await read();
    if (todayUtc() === today) return { today, value };
  }
}
