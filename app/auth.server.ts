import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createCookie, redirect } from "@remix-run/node";
import { z } from "zod";
import type { Database } from "../db/database";
import { getConfig } from "./config.server";
import { getAuthenticatedLogin, GitHubError } from "./github.server";
import { jsonError, serviceUnavailable } from "./http.server";
import { listTodaysMaintainers } from "./models/bus-factor.server";
import { getPersonIdByLogin } from "./models/mentoring-plan.server";
import { isoSeconds } from "./stewardship/dates";
import { getLiveSession, insertSession, revokeSession, type StoredSession } from "./models/session.server";

/** How long a sign-in lasts. */
const SESSION_DAYS = 14;
/** How long a person has to come back from GitHub's approval page. */
const OAUTH_STATE_SECONDS = 600;

export interface SignInConfig {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  sessionSecret: string;
}

const envSchema = z.object({
  GITHUB_API_URL: z.string().trim().url().default("https://api.github.com"),
  GITHUB_CLIENT_ID: z.string().trim().optional(),
  GITHUB_CLIENT_SECRET: z.string().trim().optional(),
  SESSION_SECRET: z.string().trim().optional(),
});

/**
 * Sign-in's settings from the environment: null when sign-in is not configured (no client id), and an
 * error saying what to set when it is configured only in part. Without a session secret the session
 * cookie could be forged, so Steward refuses to run that way rather than sign anyone in.
 */
export function readSignInConfig(env: Record<string, string | undefined> = process.env): SignInConfig | null {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`GITHUB_API_URL=${env.GITHUB_API_URL ?? ""} is not a URL.`);
  const { GITHUB_API_URL, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, SESSION_SECRET } = parsed.data;
  if (!GITHUB_CLIENT_ID) return null;
  if (!GITHUB_CLIENT_SECRET) throw new Error("GITHUB_CLIENT_ID is set but GITHUB_CLIENT_SECRET is not: set both.");
  if (!SESSION_SECRET || SESSION_SECRET.length < 32) {
    throw new Error(
      "Sign-in is configured (GITHUB_CLIENT_ID) but SESSION_SECRET is missing or shorter than 32 characters: set it to a long random string, e.g. `openssl rand -hex 32`.",
    );
  }
  return {
    apiUrl: GITHUB_API_URL.replace(/\/+$/, ""),
    clientId: GITHUB_CLIENT_ID,
    clientSecret: GITHUB_CLIENT_SECRET,
    sessionSecret: SESSION_SECRET,
  };
}

/** The sign-in settings, or the 503 that says what is missing (thrown); null when sign-in is off. */
export function getSignInConfig(): SignInConfig | null {
  try {
    return readSignInConfig();
  } catch (error) {
    throw serviceUnavailable(error instanceof Error ? error.message : String(error));
  }
}

function requireSignInConfig(): SignInConfig {
  const config = getSignInConfig();
  if (!config) {
    throw serviceUnavailable(
      "Sign-in is not set up on this Steward: set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and SESSION_SECRET (see the README).",
    );
  }
  return config;
}

// Behind a TLS-terminating proxy remix-serve sees http; the proxy's X-Forwarded-Proto says the browser's
// scheme. Trusting it can only add the Secure flag, never remove it.
const isHttps = (request: Request) =>
  new URL(request.url).protocol === "https:" || request.headers.get("X-Forwarded-Proto") === "https";

function sessionCookie(secret: string) {
  return createCookie("steward_session", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secrets: [secret],
    maxAge: SESSION_DAYS * 86_400,
  });
}

function oauthStateCookie(secret: string) {
  return createCookie("steward_oauth", {
    httpOnly: true,
    sameSite: "lax",
    path: "/auth/github",
    secrets: [secret],
    maxAge: OAUTH_STATE_SECONDS,
  });
}

const nowIso = (ms = Date.now()) => isoSeconds(ms);
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const randomToken = () => randomBytes(32).toString("hex");

/** A path on this site to come back to after signing in; anything else (another site, `//x`) is `/`. */
export function safeReturnPath(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value;
}

function callbackUrl(request: Request): string {
  return new URL("/auth/github/callback", request.url).toString();
}

/** `/auth/github`: a random state in a short-lived signed cookie, then GitHub's approval page. */
export async function startSignIn(
  request: Request,
  authorizeUrl: (options: { apiUrl: string; clientId: string; redirectUri: string; state: string }) => string,
): Promise<Response> {
  const config = requireSignInConfig();
  const state = randomToken();
  const returnTo = safeReturnPath(new URL(request.url).searchParams.get("returnTo"));
  const cookie = await oauthStateCookie(config.sessionSecret).serialize(
    { state, returnTo },
    { secure: isHttps(request) },
  );
  return redirect(
    authorizeUrl({ apiUrl: config.apiUrl, clientId: config.clientId, redirectUri: callbackUrl(request), state }),
    {
      headers: { "Set-Cookie": cookie },
    },
  );
}

const stateCookieSchema = z.object({ state: z.string().min(1), returnTo: z.string() });

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * `/auth/github/callback`: checks `state` against the cookie (a mismatch is a 403: someone else's
 * sign-in link), lets `exchange` turn the code into a login, and starts a session stored in the database.
 */
export async function finishSignIn(
  request: Request,
  {
    db,
    exchange,
  }: {
    db: Database;
    exchange: (options: SignInConfig & { code: string; redirectUri: string }) => Promise<{ login: string }>;
  },
): Promise<Response> {
  const config = requireSignInConfig();
  const url = new URL(request.url);
  const stateCookie = oauthStateCookie(config.sessionSecret);
  const stored = stateCookieSchema.safeParse(await stateCookie.parse(request.headers.get("Cookie")));
  const state = url.searchParams.get("state") ?? "";
  const code = url.searchParams.get("code") ?? "";
  if (!stored.success || !state || !sameToken(stored.data.state, state)) {
    throw new Response("The sign-in could not be checked (its state does not match this browser's). Sign in again.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  if (!code) throw new Response("GitHub sent no sign-in code. Sign in again.", { status: 400 });
  const { login } = await exchange({ ...config, code, redirectUri: callbackUrl(request) });
  const id = randomToken();
  const now = Date.now();
  await insertSession(db, {
    idHash: sha256(id),
    login,
    personId: await getPersonIdByLogin(db, login),
    csrfToken: randomToken(),
    createdAt: nowIso(now),
    expiresAt: nowIso(now + SESSION_DAYS * 86_400_000),
  });
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookie(config.sessionSecret).serialize(id, { secure: isHttps(request) }));
  headers.append("Set-Cookie", await stateCookie.serialize("", { maxAge: 0, secure: isHttps(request) }));
  return redirect(safeReturnPath(stored.data.returnTo), { headers });
}

export interface SignedIn extends StoredSession {
  idHash: string;
}

/** The request's live session: null without one, with a forged cookie, or once revoked or expired. */
export async function getSignedIn(request: Request, db: Database): Promise<SignedIn | null> {
  const config = getSignInConfig();
  if (!config) return null;
  const id: unknown = await sessionCookie(config.sessionSecret).parse(request.headers.get("Cookie"));
  if (typeof id !== "string" || !/^[0-9a-f]{64}$/.test(id)) return null;
  const idHash = sha256(id);
  const session = await getLiveSession(db, { idHash, now: nowIso() });
  return session ? { ...session, idHash } : null;
}

/** `/auth/sign-out`: revokes the session in the database and clears the cookie. */
export async function signOut(request: Request, db: Database): Promise<Response> {
  const config = requireSignInConfig();
  const session = await getSignedIn(request, db);
  if (session) {
    await checkCsrf(request, await request.formData(), session);
    await revokeSession(db, { idHash: session.idHash, now: nowIso() });
  }
  const cookie = await sessionCookie(config.sessionSecret).serialize("", { maxAge: 0, secure: isHttps(request) });
  return redirect("/", { headers: { "Set-Cookie": cookie } });
}

/** A steward may write: listed under `stewards` in the configuration, or an active maintainer of a stage today. */
export async function isSteward(db: Database, login: string): Promise<boolean> {
  const config = getConfig();
  const wanted = login.toLowerCase();
  if (config.config.stewards.some((s) => s.replace(/^@/, "").toLowerCase() === wanted)) return true;
  const maintainers = await listTodaysMaintainers(db, config);
  return [...maintainers.values()].some((people) => people.some((p) => p.login?.toLowerCase() === wanted));
}

/**
 * What a page's loader hands its forms: this session's form token when the reader is a signed-in
 * steward, else null (the page is read-only for them, and shows no forms).
 */
export async function getPageWriter(request: Request, db: Database): Promise<{ csrf: string } | null> {
  if (!getSignInConfig()) return null;
  const session = await getSignedIn(request, db);
  return session && (await isSteward(db, session.login)) ? { csrf: session.csrfToken } : null;
}

function refused(status: 401 | 403, message: string, api: boolean): Response {
  return api
    ? jsonError(status, message)
    : new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * The signed-in steward a write is made by. Without a session: a page is sent to sign in and back
 * (`returnTo`), an API call gets a 401; without the role, a 403. Thrown, so nothing is written.
 */
export async function requireSteward(
  request: Request,
  db: Database,
  { api = false, returnTo }: { api?: boolean; returnTo?: string } = {},
): Promise<SignedIn> {
  const session = await getSignedIn(request, db);
  if (!session) {
    if (api) throw refused(401, "Sign in first: this write needs a signed-in steward.", true);
    const back = safeReturnPath(returnTo ?? new URL(request.url).pathname);
    throw redirect(`/auth/github?returnTo=${encodeURIComponent(back)}`, { status: 303 });
  }
  if (!(await isSteward(db, session.login))) {
    throw refused(
      403,
      `@${session.login} may read but not write: writing is for stewards (listed in the configuration, or an active maintainer of a stage).`,
      api,
    );
  }
  return session;
}

/**
 * A page form's write, before anything is written: the form is read (its fields may say which page to
 * come back to), then a signed-in steward is required (else sign in and back to `returnTo`, or a 403)
 * and this session's form token (CSRF). Every page write starts here.
 */
export async function requireStewardForm(
  request: Request,
  db: Database,
  returnTo: string | ((form: FormData) => string),
): Promise<{ session: SignedIn; form: FormData }> {
  const form = await request.formData();
  const session = await requireSteward(request, db, {
    returnTo: typeof returnTo === "string" ? returnTo : returnTo(form),
  });
  await checkCsrf(request, form, session);
  return { session, form };
}

/**
 * Refuses a cross-site form post (CSRF) with a 403: the form must carry this session's token, and an
 * Origin header, when the browser sends one, must be this site's own.
 */
export async function checkCsrf(request: Request, form: FormData, session: StoredSession): Promise<void> {
  const origin = request.headers.get("Origin");
  // The host, not the whole origin: behind a TLS proxy the request's own URL says http while the
  // browser's Origin says https. The per-session token is the check that cannot be sidestepped.
  const sameHost = origin !== null && URL.canParse(origin) && new URL(origin).host === new URL(request.url).host;
  const token = form.get("csrf");
  if ((origin !== null && !sameHost) || typeof token !== "string" || !sameToken(token, session.csrfToken)) {
    throw refused(
      403,
      "This form was not sent from Steward's own page (cross-site request refused). Reload the page and try again.",
      false,
    );
  }
}

/** How long a script's token is taken at GitHub's word before `/user` is asked again. */
const TOKEN_CHECK_MS = 60_000;
const checkedTokens = new Map<string, { login: string; until: number }>();

/** The GitHub base URL API tokens are checked against (the same setting the sync and sign-in use). */
function apiUrlOf(env: Record<string, string | undefined> = process.env): string {
  const raw = env.GITHUB_API_URL?.trim() || "https://api.github.com";
  if (!URL.canParse(raw)) throw serviceUnavailable(`GITHUB_API_URL=${raw} is not a URL.`);
  return raw.replace(/\/+$/, "");
}

/** A signed-in writer as the JSON API knows one: the GitHub login its token belongs to. */
export interface ApiWriter {
  login: string;
}

/**
 * The steward a JSON API write is made by, from `Authorization: Bearer <GitHub token>` checked against
 * GitHub's `GET /user` (an answer is kept for a minute, by the token's hash, so a script's burst of
 * writes costs one request). No token or one GitHub refuses: 401; a login that may not write: 403;
 * GitHub unreachable: 503. API writes never take the session cookie, so a cross-site form cannot make one.
 */
export async function requireApiSteward(request: Request, db: Database): Promise<ApiWriter> {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) {
    throw jsonError(
      401,
      "Send a GitHub token: `Authorization: Bearer <token>` (any token of a steward; no scope needed).",
      {
        "WWW-Authenticate": 'Bearer realm="steward"',
      },
    );
  }
  const token = match[1];
  const key = sha256(token);
  const now = Date.now();
  const cached = checkedTokens.get(key);
  let login = cached && cached.until > now ? cached.login : undefined;
  if (!login) {
    try {
      login = (await getAuthenticatedLogin({ apiUrl: apiUrlOf(), token })).login;
    } catch (error) {
      if (error instanceof GitHubError && /answered 401/.test(error.message)) {
        throw jsonError(401, "GitHub does not accept this token (GET /user answered 401): send a valid token.", {
          "WWW-Authenticate": 'Bearer realm="steward", error="invalid_token"',
        });
      }
      if (error instanceof Response) throw error;
      throw serviceUnavailable(
        `Steward could not check the token with GitHub: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (checkedTokens.size > 1000) checkedTokens.clear();
    checkedTokens.set(key, { login, until: now + TOKEN_CHECK_MS });
  }
  if (!(await isSteward(db, login))) {
    throw jsonError(
      403,
      `@${login} may read but not write: writing is for stewards (listed in the configuration, or an active maintainer of a stage).`,
    );
  }
  return { login };
}
