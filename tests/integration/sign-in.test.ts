import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loader as startLoader } from "../../app/routes/auth.github";
import { loader as callbackLoader } from "../../app/routes/auth.github_.callback";
import { action as signOutAction } from "../../app/routes/auth.sign-out";
import { action as plansAction } from "../../app/routes/plans";
import { loader as auditApiLoader } from "../../app/routes/api.audit";
import { loader as auditPageLoader } from "../../app/routes/audit";
import { loader as planningLoader } from "../../app/routes/planning";
import { loader as rootLoader } from "../../app/root";
import { loader as personLoader } from "../../app/routes/people.$id";
import { readSignInConfig } from "../../app/auth.server";
import { githubWebUrl } from "../../app/github.server";
import { todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { knownHistory, store } from "../support/factories";
import { generateRepository } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";

const origin = "http://steward.test";
const test = setUpTestDatabase({ asAppDatabase: true });
let github: GitHubSimulator;
const saved = { ...process.env };

beforeAll(async () => {
  github = await startGitHubSimulator({
    repository: generateRepository({ now: `${todayUtc()}T12:00:00Z`, pullRequests: 5 }),
  });
  const config = JSON.parse(fs.readFileSync(path.resolve("steward.config.json"), "utf8")) as Record<string, unknown>;
  const configFile = path.join(test.dir, "steward.config.json");
  fs.writeFileSync(configFile, JSON.stringify({ ...config, stewards: ["steward-sam"] }));
  Object.assign(process.env, {
    STEWARD_CONFIG: configFile,
    GITHUB_API_URL: github.url,
    GITHUB_CLIENT_ID: github.oauth.clientId,
    GITHUB_CLIENT_SECRET: github.oauth.clientSecret,
    SESSION_SECRET: "a-test-session-secret-that-is-long-enough-0123456789",
  });
  // alice-l is an active maintainer of the middle-end as of today.
  await store(test.db, defaultConfig(), knownHistory(todayUtc()));
  await test.db.insertInto("people").values({ login: "newcomer-nia", name: "Nia Newcomer" }).execute();
});
afterAll(async () => {
  process.env = saved;
  await github.close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
const cookieOf = (response: Response) => (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";

async function caught(promise: Promise<unknown>): Promise<Response> {
  try {
    const value = await promise;
    if (value instanceof Response) return value;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a Response");
}

/** Signs in through the simulator's OAuth pages; returns the session cookie and the session's form token. */
async function signIn(login: string) {
  const before = new Set((await test.db.selectFrom("sessions").select("idHash").execute()).map((r) => r.idHash));
  const start = await caught(startLoader(args(new Request(`${origin}/auth/github?returnTo=/planning`))));
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("Location") ?? "");
  expect(authorize.origin + authorize.pathname).toBe(`${github.url}/login/oauth/authorize`);
  authorize.searchParams.set("login", login);
  const approved = await fetch(authorize, { redirect: "manual" });
  expect(approved.status).toBe(302);
  const callback = approved.headers.get("location") ?? "";
  expect(callback.startsWith(`${origin}/auth/github/callback?`)).toBe(true);
  const done = await caught(callbackLoader(args(new Request(callback, { headers: { Cookie: cookieOf(start) } }))));
  expect(done.status).toBe(302);
  expect(done.headers.get("Location")).toBe("/planning");
  const setCookie = done.headers.get("Set-Cookie") ?? "";
  expect(setCookie).toMatch(/steward_session=[^;]+;.*HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  const cookie = /steward_session=[^;]+/.exec(setCookie)?.[0] ?? "";
  const sessions = await test.db.selectFrom("sessions").select(["idHash", "csrfToken"]).execute();
  const created = sessions.filter((s) => !before.has(s.idHash));
  expect(created).toHaveLength(1);
  const csrfToken = created[0]?.csrfToken ?? "";
  return { cookie, csrf: csrfToken };
}

function postPlan(
  fields: Record<string, string>,
  { cookie, origin: from = origin }: { cookie?: string; origin?: string | null } = {},
) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
  if (cookie) headers.set("Cookie", cookie);
  if (from) headers.set("Origin", from);
  return caught(
    plansAction(args(new Request(`${origin}/plans`, { method: "POST", headers, body: new URLSearchParams(fields) }))),
  );
}

const newPlan = {
  intent: "add",
  stage: "middle-end",
  mentor: "alice-l",
  mentee: "newcomer-nia",
  aim: "second maintainer of the middle-end by 2027-03-01",
};

async function counts() {
  const [plans, events] = await Promise.all([
    test.db
      .selectFrom("mentoringPlans")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
    test.db
      .selectFrom("auditEvents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  ]);
  return { plans: Number(plans.n), events: Number(events.n) };
}

describe("sign-in settings", () => {
  it("derives GitHub's web pages from the API base URL", () => {
    expect(githubWebUrl("https://api.github.com")).toBe("https://github.com");
    expect(githubWebUrl("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com");
    expect(githubWebUrl("http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010");
  });

  it("refuses sign-in configured without a session secret, and is off without a client id", () => {
    expect(() => readSignInConfig({ GITHUB_CLIENT_ID: "x", GITHUB_CLIENT_SECRET: "y" })).toThrow(/SESSION_SECRET/);
    expect(readSignInConfig({})).toBeNull();
  });

  it("keeps `npm start` from starting with sign-in configured but no session secret", () => {
    const env = { ...process.env, PORT: "0", DATABASE_URL: test.file, SESSION_SECRET: "" };
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env, encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("SESSION_SECRET");
  });

  it("answers every page with a 503 that says what to set when the session secret is missing", async () => {
    const secret = process.env.SESSION_SECRET;
    delete process.env.SESSION_SECRET;
    try {
      const response = await caught(rootLoader(args(new Request(`${origin}/`))));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: expect.stringContaining("SESSION_SECRET") });
    } finally {
      process.env.SESSION_SECRET = secret;
    }
  });
});

describe("signing in with GitHub", () => {
  it("signs in through the OAuth flow and stores only a hash of the session id", async () => {
    const { cookie } = await signIn("alice-l");
    const id = decodeURIComponent(cookie.split("=")[1] ?? "");
    const rows = await test.db
      .selectFrom("sessions")
      .select(["idHash", "login", "personId"])
      .where("login", "=", "alice-l")
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.personId).not.toBeNull();
    expect(rows[0]?.idHash).not.toContain(id.slice(0, 20));
  });

  it("refuses a callback whose state is not this browser's", async () => {
    const start = await caught(startLoader(args(new Request(`${origin}/auth/github`))));
    const approved = await fetch(start.headers.get("Location") ?? "", { redirect: "manual" });
    const callback = new URL(approved.headers.get("location") ?? "");
    callback.searchParams.set("state", "0".repeat(64));
    const refused = await caught(callbackLoader(args(new Request(callback, { headers: { Cookie: cookieOf(start) } }))));
    expect(refused.status).toBe(403);
    const noCookie = await caught(callbackLoader(args(new Request(approved.headers.get("location") ?? ""))));
    expect(noCookie.status).toBe(403);
  });

  it("never sends a person back to another site after signing in", async () => {
    const start = await caught(startLoader(args(new Request(`${origin}/auth/github?returnTo=//evil.example/x`))));
    const approved = await fetch(start.headers.get("Location") ?? "", { redirect: "manual" });
    const done = await caught(
      callbackLoader(
        args(new Request(approved.headers.get("location") ?? "", { headers: { Cookie: cookieOf(start) } })),
      ),
    );
    expect(done.headers.get("Location")).toBe("/");
  });
});

describe("writing mentoring plans", () => {
  beforeEach(async () => {
    await test.db.deleteFrom("auditEvents").execute();
    await test.db.deleteFrom("mentoringPlans").execute();
  });

  it("lets a steward (an active maintainer) add a plan and change its status, each with an audit event", async () => {
    const { cookie, csrf } = await signIn("alice-l");
    const added = await postPlan({ ...newPlan, csrf }, { cookie });
    expect(added.status).toBe(303);
    const plan = await test.db.selectFrom("mentoringPlans").selectAll().executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ stageId: "middle-end", status: "active", createdBy: "alice-l", aim: newPlan.aim });

    const changed = await postPlan({ intent: "status", id: String(plan.id), status: "paused", csrf }, { cookie });
    expect(changed.status).toBe(303);
    const audit = await caught(auditApiLoader(args(new Request(`${origin}/api/audit`))));
    const { events } = (await audit.json()) as {
      events: Array<{ login: string; action: string; before: unknown; after: unknown }>;
    };
    expect(events.map((e) => e.action)).toEqual(["change mentoring plan status", "add mentoring plan"]);
    expect(events[0]).toMatchObject({ login: "alice-l", before: { status: "active" }, after: { status: "paused" } });
    expect(events[1]).toMatchObject({ before: null, after: { aim: newPlan.aim } });
  });

  it("shows a plan on the planning page, with its forms only for stewards, and on both people's pages", async () => {
    const { cookie, csrf } = await signIn("alice-l");
    await postPlan({ ...newPlan, csrf }, { cookie });
    const asSteward = await planningLoader(args(new Request(`${origin}/planning`, { headers: { Cookie: cookie } })));
    expect(asSteward.writer).toEqual({ csrf });
    expect(asSteward.mentoring).toEqual([
      expect.objectContaining({
        stageId: "middle-end",
        aim: newPlan.aim,
        mentor: expect.objectContaining({ login: "alice-l" }),
        mentee: expect.objectContaining({ login: "newcomer-nia" }),
        // The mentee has no work in the middle-end, but the plan has only just begun.
        idle: null,
      }),
    ]);
    const anonymous = await planningLoader(args(new Request(`${origin}/planning`)));
    expect(anonymous.writer).toBeNull();
    expect(anonymous.mentoring).toHaveLength(1);
    for (const login of ["alice-l", "newcomer-nia"]) {
      const { id } = await test.db
        .selectFrom("people")
        .select("id")
        .where("login", "=", login)
        .executeTakeFirstOrThrow();
      const page = await personLoader({ ...args(new Request(`${origin}/people/${id}`)), params: { id: String(id) } });
      expect(page.mentoring.map((p) => p.aim)).toEqual([newPlan.aim]);
    }
    const audit = await auditPageLoader(args(new Request(`${origin}/audit?stage=middle-end&login=@Alice-L`)));
    expect(audit.events.map((e) => e.action)).toEqual(["add mentoring plan"]);
    const otherStage = await auditPageLoader(args(new Request(`${origin}/audit?stage=backend`)));
    expect(otherStage.events).toEqual([]);
    const byOthers = await caught(auditApiLoader(args(new Request(`${origin}/api/audit?login=steward-sam`))));
    expect(await byOthers.json()).toEqual({ events: [] });
    const unknown = await caught(auditApiLoader(args(new Request(`${origin}/api/audit?stage=nowhere`))));
    expect(unknown.status).toBe(400);
  });

  it("lets a steward named in the configuration write", async () => {
    const { cookie, csrf } = await signIn("steward-sam");
    expect((await postPlan({ ...newPlan, csrf }, { cookie })).status).toBe(303);
    expect(await counts()).toEqual({ plans: 1, events: 1 });
  });

  it("sends a page write without a session to sign in and back, and changes nothing", async () => {
    const response = await postPlan({ ...newPlan, csrf: "x" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/auth/github?returnTo=%2Fplanning");
    expect(await counts()).toEqual({ plans: 0, events: 0 });
  });

  it("refuses a signed-in person who is not a steward with a 403, and changes nothing", async () => {
    const { cookie, csrf } = await signIn("newcomer-nia");
    expect((await postPlan({ ...newPlan, csrf }, { cookie })).status).toBe(403);
    expect(await counts()).toEqual({ plans: 0, events: 0 });
  });

  it("refuses a cross-site post and a post without the form token (CSRF), and changes nothing", async () => {
    const { cookie, csrf } = await signIn("alice-l");
    expect((await postPlan({ ...newPlan, csrf }, { cookie, origin: "https://evil.example" })).status).toBe(403);
    expect((await postPlan(newPlan, { cookie })).status).toBe(403);
    expect((await postPlan({ ...newPlan, csrf: "0".repeat(64) }, { cookie, origin: null })).status).toBe(403);
    expect(await counts()).toEqual({ plans: 0, events: 0 });
  });

  it("refuses a forged session cookie", async () => {
    const { cookie, csrf } = await signIn("alice-l");
    // The real session id with a signature made up: only SESSION_SECRET can sign a cookie.
    const forged = cookie.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(forged).not.toBe(cookie);
    const response = await postPlan({ ...newPlan, csrf }, { cookie: forged });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(/^\/auth\/github/);
    expect(await counts()).toEqual({ plans: 0, events: 0 });
  });

  it("refuses an expired session", async () => {
    const { cookie, csrf } = await signIn("steward-sam");
    await test.db
      .updateTable("sessions")
      .set({ expiresAt: "2020-01-01T00:00:00Z" })
      .where("login", "=", "steward-sam")
      .execute();
    const response = await postPlan({ ...newPlan, csrf }, { cookie });
    expect(response.headers.get("Location")).toMatch(/^\/auth\/github/);
    expect(await counts()).toEqual({ plans: 0, events: 0 });
  });

  it("refuses a session after sign-out, even with its old cookie", async () => {
    const { cookie, csrf } = await signIn("alice-l");
    const headers = { Cookie: cookie, Origin: origin, "Content-Type": "application/x-www-form-urlencoded" };
    const out = await caught(
      signOutAction(
        args(new Request(`${origin}/auth/sign-out`, { method: "POST", headers, body: new URLSearchParams({ csrf }) })),
      ),
    );
    expect(out.status).toBe(302);
    expect(out.headers.get("Set-Cookie")).toMatch(/steward_session=;.*Max-Age=0/i);
    const reused = await postPlan({ ...newPlan, csrf }, { cookie });
    expect(reused.status).toBe(303);
    expect(reused.headers.get("Location")).toMatch(/^\/auth\/github/);
    expect(await counts()).toEqual({ plans: 0, events: 0 });
  });
});
