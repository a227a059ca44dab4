import { expect } from "vitest";
import type { Database } from "../../db/database";
import { loader as startLoader } from "../../app/routes/auth.github";
import { loader as callbackLoader } from "../../app/routes/auth.github_.callback";
import type { GitHubSimulator } from "./github-simulator/server";

/** The origin the tests' requests are made to. */
export const origin = "http://steward.test";

/** A loader's or action's arguments for a request (and route params). */
export const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

/** The Response a loader or action returned or threw (Remix sends both alike). */
export async function caught(promise: Promise<unknown>): Promise<Response> {
  try {
    const value = await promise;
    if (value instanceof Response) return value;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a Response");
}

const cookieOf = (response: Response) => (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";

/**
 * Signs `login` in through the simulator's OAuth pages, as a browser would; returns the session cookie
 * and the session's form token.
 */
export async function signIn(db: Database, github: GitHubSimulator, login: string) {
  const before = new Set((await db.selectFrom("sessions").select("idHash").execute()).map((r) => r.idHash));
  const start = await caught(startLoader(args(new Request(`${origin}/auth/github?returnTo=/planning`))));
  const authorize = new URL(start.headers.get("Location") ?? "");
  expect(authorize.origin).toBe(github.url);
  authorize.searchParams.set("login", login);
  const approved = await fetch(authorize, { redirect: "manual" });
  const callback = approved.headers.get("location") ?? "";
  const done = await caught(callbackLoader(args(new Request(callback, { headers: { Cookie: cookieOf(start) } }))));
  expect(done.status).toBe(302);
  const cookie = /steward_session=[^;]+/.exec(done.headers.get("Set-Cookie") ?? "")?.[0] ?? "";
  const created = (await db.selectFrom("sessions").select(["idHash", "csrfToken"]).execute()).filter(
    (s) => !before.has(s.idHash),
  );
  expect(created).toHaveLength(1);
  return { cookie, csrf: created[0]?.csrfToken ?? "" };
}
