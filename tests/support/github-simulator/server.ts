import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { SimIssue, SimRepository } from "./data";
import { answerGraphQL } from "./graphql";

/** Failures a test can switch on; each applies to the next `times` matching requests. */
export type Fault =
  | { kind: "secondary-rate-limit"; retryAfterSeconds?: number }
  | { kind: "primary-rate-limit"; resetInSeconds?: number }
  | { kind: "server-error"; status?: 500 | 502 | 503 }
  | { kind: "connection-reset" }
  | { kind: "slow"; delayMs: number }
  /** The request waits, unanswered, until the test calls `release()` on the fault's handle. */
  | { kind: "held" }
  | { kind: "graphql-error" };

interface ArmedFault {
  fault: Fault;
  times: number;
  path: RegExp;
  /** Matching requests to let through before the fault starts. */
  skip: number;
  /** Only GraphQL requests whose body (the query and its variables) matches, e.g. one pull request's alias. */
  body?: RegExp;
  hits: number;
  /** Resolved by `release()`: what a held request waits for. */
  released: Promise<void>;
}

export interface GitHubSimulator {
  url: string;
  token: string;
  repository: SimRepository;
  /**
   * Every request received, in order: `GET /repos/python/cpython/issues?…` → status, and when it arrived
   * (Date.now()), so tests can see the client's pacing and back-off.
   */
  log: Array<{ method: string; path: string; status: number; at: number }>;
  /**
   * Arms `fault`; `hits` counts the requests it has struck so far, `release` lets a held request go on
   * (and any it strikes later pass at once).
   */
  fail: (
    fault: Fault,
    options?: { times?: number; path?: RegExp; after?: number; body?: RegExp },
  ) => { hits: () => number; release: () => void };
  /** The OAuth app the simulator knows, for sign-in through `/login/oauth/*`. */
  oauth: { clientId: string; clientSecret: string };
  /** Primary rate limit left for the token (GitHub's x-ratelimit-remaining). */
  remaining: () => number;
  /** A personal access token of `login`, as a person makes one on GitHub: `GET /user` answers with them. */
  personalToken: (login: string) => string;
  close: () => Promise<void>;
}

const RATE_LIMIT = 5000;
const PAGE_MAX = 100;

function issueJson(sim: SimRepository, issue: SimIssue, baseUrl: string) {
  const user = (login: string) => ({
    login,
    id: login.length * 1000 + login.charCodeAt(0),
    type: sim.users.get(login)?.type ?? "User",
    avatar_url: `${baseUrl}/avatars/${login}`,
  });
  return {
    id: issue.number * 10,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    user: user(issue.author),
    assignees: issue.assignees.map(user),
    labels: issue.labels.map((name, i) => ({ id: i + 1, name })),
    comments: issue.comments.length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    html_url: `https://github.com/${sim.owner}/${sim.name}/${issue.isPullRequest ? "pull" : "issues"}/${issue.number}`,
    ...(issue.isPullRequest
      ? { pull_request: { url: `${baseUrl}/repos/${sim.owner}/${sim.name}/pulls/${issue.number}` } }
      : {}),
  };
}

/**
 * A local HTTP server that answers like api.github.com for the endpoints Steward uses: the token
 * is checked, every answer carries rate-limit headers and an ETag, If-None-Match gets a 304 that
 * costs no rate limit, lists paginate with Link headers, and faults can be switched on per test.
 */
export async function startGitHubSimulator({
  repository,
  token = "sim-token",
  port = 0,
  oauth = { clientId: "sim-client-id", clientSecret: "sim-client-secret" },
  signInLogin = "sim-octocat",
}: {
  repository: SimRepository;
  token?: string;
  port?: number;
  oauth?: { clientId: string; clientSecret: string };
  /** Who signs in on `/login/oauth/authorize` unless its `login` query parameter names someone. */
  signInLogin?: string;
}): Promise<GitHubSimulator> {
  // OAuth: codes handed out by the approval page (used once) and the tokens they were exchanged for.
  const oauthCodes = new Map<string, { login: string; redirectUri: string }>();
  const oauthTokens = new Map<string, string>();
  const log: GitHubSimulator["log"] = [];
  const faults: ArmedFault[] = [];
  let remaining = RATE_LIMIT;
  let resetAt = Math.floor(Date.now() / 1000) + 3600;
  let baseUrl = "";
  let graphqlFault = false;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", baseUrl);
    if (Math.floor(Date.now() / 1000) >= resetAt) {
      remaining = RATE_LIMIT;
      resetAt = Math.floor(Date.now() / 1000) + 3600;
    }
    const entry = { method: req.method ?? "GET", path: `${url.pathname}${url.search}`, status: 0, at: Date.now() };
    log.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const text = JSON.stringify(body);
      const etag = `W/"${createHash("sha1").update(text).digest("hex")}"`;
      const notModified = status === 200 && req.headers["if-none-match"] === etag;
      // Like GitHub, a 304 does not count against the primary rate limit.
      if (!notModified && status !== 401) remaining = Math.max(0, remaining - 1);
      res.writeHead(notModified ? 304 : status, {
        "content-type": "application/json; charset=utf-8",
        etag,
        "x-ratelimit-limit": String(RATE_LIMIT),
        "x-ratelimit-remaining": String(remaining),
        "x-ratelimit-reset": String(resetAt),
        "x-ratelimit-used": String(RATE_LIMIT - remaining),
        "x-ratelimit-resource": url.pathname.startsWith("/search") ? "search" : "core",
        ...headers,
      });
      if (notModified) entry.status = 304;
      res.end(notModified ? undefined : text);
    };

    // A GraphQL request's body is read first, so a fault can pick one query among the others.
    let graphqlBody: string | undefined;
    if (req.method === "POST" && url.pathname === "/graphql") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      graphqlBody = Buffer.concat(chunks).toString("utf8");
    }
    const armed = faults.find(
      (f) =>
        f.times > 0 &&
        f.path.test(url.pathname) &&
        (!f.body || (graphqlBody !== undefined && f.body.test(graphqlBody))) &&
        f.skip-- <= 0,
    );
    if (armed) {
      armed.times -= 1;
      armed.hits += 1;
      const { fault } = armed;
      switch (fault.kind) {
        case "connection-reset":
          entry.status = -1;
          req.socket.destroy();
          return;
        case "slow":
          await new Promise((r) => setTimeout(r, fault.delayMs));
          break;
        case "held":
          await armed.released;
          break;
        case "graphql-error":
          graphqlFault = true;
          break;
        case "server-error":
          return send(fault.status ?? 502, { message: "Server Error" });
        case "secondary-rate-limit":
          return send(
            403,
            { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
            { "retry-after": String(fault.retryAfterSeconds ?? 1) },
          );
        case "primary-rate-limit":
          remaining = 0;
          resetAt = Math.floor(Date.now() / 1000) + (fault.resetInSeconds ?? 1);
          entry.status = 403;
          res.writeHead(403, {
            "content-type": "application/json; charset=utf-8",
            "x-ratelimit-limit": String(RATE_LIMIT),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(resetAt),
            "x-ratelimit-resource": "core",
          });
          res.end(JSON.stringify({ message: "API rate limit exceeded for user." }));
          return;
      }
    }

    if (url.pathname.startsWith("/login/oauth/")) return answerOAuth(url, send);
    const auth = req.headers.authorization ?? "";
    const oauthLogin = oauthTokens.get(auth.replace(/^(token|bearer)\s+/i, ""));
    if (req.method === "GET" && url.pathname === "/user" && oauthLogin) {
      return send(200, { login: oauthLogin, id: oauthLogin.length * 1000 + oauthLogin.charCodeAt(0), type: "User" });
    }
    if (auth.replace(/^(token|bearer)\s+/i, "") !== token) {
      return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    }
    if (remaining <= 0) {
      return send(403, { message: "API rate limit exceeded for user." });
    }

    const repoPath = `/repos/${repository.owner}/${repository.name}`;
    const paginate = <T>(items: T[]) => {
      const perPage = Math.min(PAGE_MAX, Number(url.searchParams.get("per_page") ?? 30));
      const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
      const last = Math.max(1, Math.ceil(items.length / perPage));
      const links: string[] = [];
      const link = (p: number, rel: string) => {
        const next = new URL(url);
        next.searchParams.set("page", String(p));
        links.push(`<${baseUrl}${next.pathname}${next.search}>; rel="${rel}"`);
      };
      if (page < last) {
        link(page + 1, "next");
        link(last, "last");
      }
      if (page > 1) {
        link(1, "first");
        link(page - 1, "prev");
      }
      const headers: Record<string, string> = links.length ? { link: links.join(", ") } : {};
      return { items: items.slice((page - 1) * perPage, page * perPage), headers };
    };

    if (graphqlBody !== undefined) {
      let body: { query?: string; variables?: Record<string, unknown> };
      try {
        body = JSON.parse(graphqlBody) as typeof body;
      } catch {
        return send(400, { message: "Problems parsing JSON" });
      }
      if (graphqlFault) {
        graphqlFault = false;
        return send(200, {
          data: null,
          errors: [
            {
              type: "NOT_FOUND",
              path: ["repository"],
              message: "Could not resolve to a PullRequest with the number of 1.",
            },
          ],
        });
      }
      return send(200, await answerGraphQL(repository, body, { remaining, resetAt }));
    }
    if (req.method !== "GET") return send(404, { message: "Not Found" });
    const path = url.pathname;
    if (path === "/rate_limit") {
      return send(200, { resources: { core: { limit: RATE_LIMIT, remaining, reset: resetAt } } });
    }
    if (path.startsWith("/repos/") && !path.startsWith(repoPath)) return send(404, { message: "Not Found" });
    if (path === repoPath) {
      return send(200, {
        id: 81598961,
        name: repository.name,
        full_name: `${repository.owner}/${repository.name}`,
        default_branch: repository.defaultBranch,
        private: false,
      });
    }
    if (path === `${repoPath}/issues`) {
      const state = url.searchParams.get("state") ?? "open";
      const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      const since = url.searchParams.get("since");
      const matching = [...repository.issues.values()]
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .filter((i) => !since || i.updatedAt >= since)
        .sort((a, b) => b.number - a.number);
      const { items, headers } = paginate(matching);
      return send(
        200,
        items.map((i) => issueJson(repository, i, baseUrl)),
        headers,
      );
    }
    if (path.startsWith(`${repoPath}/contents/`)) {
      const file = decodeURIComponent(path.slice(`${repoPath}/contents/`.length));
      const text = repository.files.get(file);
      if (text === undefined) return send(404, { message: "Not Found" });
      const content = Buffer.from(text).toString("base64");
      const sha = createHash("sha1")
        .update(`blob ${Buffer.byteLength(text)}\0${text}`)
        .digest("hex");
      return send(200, {
        type: "file",
        encoding: "base64",
        name: file.split("/").at(-1),
        path: file,
        sha,
        size: Buffer.byteLength(text),
        content,
      });
    }
    const issueMatch = new RegExp(`^${repoPath}/issues/(\\d+)(/comments)?$`).exec(path);
    if (issueMatch) {
      const issue = repository.issues.get(Number(issueMatch[1]));
      if (!issue) return send(404, { message: "Not Found" });
      if (!issueMatch[2]) return send(200, issueJson(repository, issue, baseUrl));
      const since = url.searchParams.get("since");
      const comments = issue.comments.filter((c) => !since || c.updatedAt >= since);
      const { items, headers } = paginate(comments);
      return send(
        200,
        items.map((c) => ({
          id: c.id,
          body: c.body,
          user: { login: c.author, type: repository.users.get(c.author)?.type ?? "User" },
          created_at: c.createdAt,
          updated_at: c.updatedAt,
        })),
        headers,
      );
    }
    if (path === "/search/issues") {
      return send(200, ...searchIssues(url.searchParams.get("q") ?? ""));
    }
    return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });

    /**
     * GitHub's OAuth web flow without a person: the approval page approves at once, redirecting back
     * with a code for `login` (or the default user) and the `state` it was given; the token endpoint
     * checks the app's id and secret and takes each code once.
     */
    async function answerOAuth(oauthUrl: URL, reply: typeof send) {
      if (req.method === "GET" && oauthUrl.pathname === "/login/oauth/authorize") {
        const redirectUri = oauthUrl.searchParams.get("redirect_uri");
        const state = oauthUrl.searchParams.get("state");
        if (oauthUrl.searchParams.get("client_id") !== oauth.clientId || !redirectUri || !state) {
          return reply(400, { message: "client_id, redirect_uri and state are required" });
        }
        const code = randomBytes(10).toString("hex");
        oauthCodes.set(code, { login: oauthUrl.searchParams.get("login") ?? signInLogin, redirectUri });
        const back = new URL(redirectUri);
        back.searchParams.set("code", code);
        back.searchParams.set("state", state);
        entry.status = 302;
        res.writeHead(302, { location: back.toString() });
        res.end();
        return;
      }
      if (req.method === "POST" && oauthUrl.pathname === "/login/oauth/access_token") {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        const body: Record<string, unknown> = (req.headers["content-type"] ?? "").includes("json")
          ? (JSON.parse(text) as Record<string, unknown>)
          : Object.fromEntries(new URLSearchParams(text));
        if (body.client_id !== oauth.clientId || body.client_secret !== oauth.clientSecret) {
          return reply(200, {
            error: "incorrect_client_credentials",
            error_description: "The client_id and/or client_secret passed are incorrect.",
          });
        }
        const granted = typeof body.code === "string" ? oauthCodes.get(body.code) : undefined;
        if (!granted || typeof body.code !== "string") {
          return reply(200, {
            error: "bad_verification_code",
            error_description: "The code passed is incorrect or expired.",
          });
        }
        oauthCodes.delete(body.code);
        const accessToken = `gho_${randomBytes(16).toString("hex")}`;
        oauthTokens.set(accessToken, granted.login);
        return reply(200, { access_token: accessToken, token_type: "bearer", scope: "" });
      }
      return reply(404, { message: "Not Found" });
    }

    function searchIssues(q: string): [unknown, Record<string, string>] {
      const tokens = q.split(/\s+/).filter(Boolean);
      const qualifiers = tokens.filter((t) => t.includes(":"));
      const words = tokens.filter((t) => !t.includes(":") && t !== "OR").map((t) => t.toLowerCase());
      const anyWord = tokens.includes("OR");
      const repo = qualifiers.find((t) => t.startsWith("repo:"))?.slice(5);
      if (repo !== `${repository.owner}/${repository.name}`)
        return [{ total_count: 0, incomplete_results: false, items: [] }, {}];
      const updated = qualifiers.find((t) => t.startsWith("updated:>="))?.slice(10);
      const found = [...repository.issues.values()].filter((i) => {
        if (qualifiers.includes("is:pr") && !i.isPullRequest) return false;
        if (qualifiers.includes("is:issue") && i.isPullRequest) return false;
        if (qualifiers.includes("is:open") && i.state !== "open") return false;
        if (updated && i.updatedAt < updated) return false;
        const text = `${i.title}\n${i.body}`.toLowerCase();
        return (
          words.length === 0 || (anyWord ? words.some((w) => text.includes(w)) : words.every((w) => text.includes(w)))
        );
      });
      // GitHub's search returns at most 1,000 results.
      const { items, headers } = paginate(found.slice(0, 1000));
      return [
        {
          total_count: found.length,
          incomplete_results: false,
          items: items.map((i) => issueJson(repository, i, baseUrl)),
        },
        headers,
      ];
    }
  }

  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    token,
    repository,
    oauth,
    log,
    fail: (fault, { times = 1, path = /.*/, after = 0, body } = {}) => {
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const armed: ArmedFault = { fault, times, path, skip: after, body, hits: 0, released };
      faults.push(armed);
      return { hits: () => armed.hits, release };
    },
    personalToken: (login: string) => {
      const personal = `ghp_${randomBytes(16).toString("hex")}`;
      oauthTokens.set(personal, login);
      return personal;
    },
    remaining: () => remaining,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
