// Waiting in tests: a free loopback port for a server the test starts, and polling until something the
// test cannot be told about directly (a job run recorded, a server answering) has happened.
import net from "node:net";

/** A loopback port nothing listens on now (the OS picks it; it is released before it is returned). */
export function freePort(): Promise<number> {
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
