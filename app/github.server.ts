import { createHmac, timingSafeEqual } from "node:crypto";
import Bottleneck from "bottleneck";
import { Octokit, RequestError } from "octokit";
import type { ReviewState } from "./stewardship/reviews";
import { codeownersLocations } from "./stewardship/codeowners";

// The client's Octokit sits under a key no other module can name: they call the functions below.
const octokitOf = Symbol("octokit");

/**
 * Steward's only door to GitHub. Everything else sees the narrow types below, never Octokit's.
 * The base URL is configuration (GITHUB_API_URL): GitHub.com by default, GitHub Enterprise or the
 * test simulator otherwise. `octokit`'s Octokit brings the retry plugin (5xx, resets) and the
 * throttling plugin (primary and secondary rate limits) along.
 */
export interface GitHubClient {
  readonly [octokitOf]: Octokit;
  /** Requests sent, including retries and 304s: what `npm run bench` counts. */
  requests: () => number;
  /** The rate limit as of the last answer. */
  rateLimit: () => { remaining: number | null; resetAt: string | null };
}

export interface GitHubClientOptions {
  token?: string;
  baseUrl?: string;
  /** Called when Steward waits for a rate limit, with why and for how long. */
  onWait?: (message: string) => void;
  /** Retries of one request after a secondary limit or a failure. */
  retries?: number;
  /**
   * Least time between GraphQL requests (and writes). GitHub asks clients to pace these to stay
   * clear of secondary limits; the throttling plugin's default is 1 s. The local simulator needs none.
   */
  graphqlIntervalMs?: number;
  /**
   * Least time between search requests. GitHub allows 30 searches a minute; the throttling plugin's
   * default is 2 s. The local simulator needs none.
   */
  searchIntervalMs?: number;
  /**
   * How long one second of a wait lasts, in ms: the seconds GitHub asks for (a secondary limit's
   * Retry-After, a spent rate limit's reset) and the retry plugin's back-off after a 5xx or a dropped
   * connection (1 s, 4 s, 9 s). 1000, i.e. as asked; only tests against the simulator shrink it.
   */
  retryAfterBaseMs?: number;
}

export class GitHubError extends Error {
  override name = "GitHubError";
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export function createGitHubClient({
  token,
  baseUrl,
  onWait,
  retries = 3,
  graphqlIntervalMs,
  searchIntervalMs,
  retryAfterBaseMs = 1000,
}: GitHubClientOptions): GitHubClient {
  // Octokit's throttling plugin waits `retryAfter` seconds and retries while this answers true.
  const waitThenRetry =
    (say: (seconds: number, request: string) => string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      onWait?.(say(retryAfter, `${options.method} ${options.url}`));
      return retryCount < retries;
    };
  let requests = 0;
  let remaining: number | null = null;
  let resetAt: string | null = null;
  const octokit = new Octokit({
    auth: token,
    baseUrl: (baseUrl ?? "https://api.github.com").replace(/\/+$/, ""),
    userAgent: "steward",
    // Only here: plugin-retry treats a `request.retries` option as "retry every error", 401s included.
    retry: { retries, retryAfterBaseValue: retryAfterBaseMs },
    throttle: {
      retryAfterBaseValue: retryAfterBaseMs,
      ...(searchIntervalMs !== undefined
        ? {
            search: new Bottleneck.Group({
              id: `steward-search-${Math.random()}`,
              maxConcurrent: 1,
              minTime: searchIntervalMs,
            }),
          }
        : {}),
      ...(graphqlIntervalMs !== undefined
        ? {
            write: new Bottleneck.Group({
              id: `steward-write-${Math.random()}`,
              maxConcurrent: 1,
              minTime: graphqlIntervalMs,
            }),
          }
        : {}),
      onRateLimit: waitThenRetry(
        (seconds, request) => `GitHub's rate limit is spent: waiting ${seconds} s for its reset before ${request}`,
      ),
      onSecondaryRateLimit: waitThenRetry(
        (seconds, request) =>
          `GitHub asked Steward to slow down (secondary limit): waiting ${seconds} s before ${request}`,
      ),
    },
  });
  octokit.hook.wrap("request", async (request, options) => {
    requests += 1;
    try {
      const response = await request(options);
      readRateLimit(response.headers);
      return response;
    } catch (error) {
      if (error instanceof RequestError && error.response) readRateLimit(error.response.headers);
      throw error;
    }
  });
  function readRateLimit(headers: Record<string, string | number | undefined>) {
    const left = headers["x-ratelimit-remaining"];
    const reset = headers["x-ratelimit-reset"];
    if (left !== undefined) remaining = Number(left);
    if (reset !== undefined) resetAt = new Date(Number(reset) * 1000).toISOString();
  }
  return { [octokitOf]: octokit, requests: () => requests, rateLimit: () => ({ remaining, resetAt }) };
}

/** Turns Octokit's errors into messages that say what to fix. */
function explainGitHubError(error: unknown, repository: string): GitHubError {
  if (error instanceof GitHubError) return error;
  if (error instanceof RequestError) {
    switch (error.status) {
      case 401:
        return new GitHubError(
          "GitHub rejected the token (401 Bad credentials). Set GITHUB_TOKEN to a valid token.",
          401,
        );
      case 403:
        if (/rate limit/i.test(error.message)) {
          return new GitHubError(
            `GitHub's rate limit stayed spent after waiting (${error.message}). Run the sync again later.`,
            403,
          );
        }
        return new GitHubError(
          `GitHub refused access to ${repository} (403): ${error.message}. Check the token's scopes.`,
          403,
        );
      case 404:
        return new GitHubError(
          `GitHub has no repository ${repository} visible to this token (404). Check the name (owner/repo).`,
          404,
        );
      default:
        return new GitHubError(`GitHub answered ${error.status} for ${repository}: ${error.message}`, error.status);
    }
  }
  return new GitHubError(error instanceof Error ? error.message : String(error));
}

/**
 * The X-Hub-Signature-256 check of one delivery, fed the body's bytes as they arrive so a body is
 * never held, let alone parsed, before it is known to come from GitHub. `matches` compares the
 * HMAC-SHA256 under `secret` with the header in constant time; a missing or malformed header is
 * simply not valid.
 */
export function webhookSignatureCheck(secret: string): {
  update: (bytes: Uint8Array) => void;
  matches: (signature: string | null) => boolean;
} {
  const hmac = createHmac("sha256", secret);
  return {
    update: (bytes) => {
      hmac.update(bytes);
    },
    matches: (signature) => {
      const expected = Buffer.from(`sha256=${hmac.digest("hex")}`);
      const given = Buffer.from(signature ?? "");
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/** Whether `signature` is the X-Hub-Signature-256 of a whole `body` under `secret` (constant time). */
export function verifyWebhookSignature({
  secret,
  body,
  signature,
}: {
  secret: string;
  body: string | Uint8Array;
  signature: string | null;
}): boolean {
  const check = webhookSignatureCheck(secret);
  check.update(typeof body === "string" ? Buffer.from(body) : body);
  return check.matches(signature);
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export function parseRepository(value: string): RepoRef {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(value.trim());
  if (!match?.[1] || !match[2])
    throw new GitHubError(`"${value}" is not a repository; write it as owner/repo, e.g. python/cpython.`);
  return { owner: match[1], repo: match[2] };
}

/** Confirms the repository exists and the token can read it: one cheap request before any write. */
export async function checkRepository(
  client: GitHubClient,
  ref: RepoRef,
): Promise<{ fullName: string; defaultBranch: string }> {
  try {
    const { data } = await client[octokitOf].request("GET /repos/{owner}/{repo}", { owner: ref.owner, repo: ref.repo });
    return { fullName: data.full_name, defaultBranch: data.default_branch };
  } catch (error) {
    throw explainGitHubError(error, `${ref.owner}/${ref.repo}`);
  }
}

/**
 * The repository's CODEOWNERS on its default branch, from the contents endpoint, looked for where GitHub
 * looks (`.github/`, the root, `docs/`); null when there is none.
 */
export async function getCodeownersFile(
  client: GitHubClient,
  ref: RepoRef,
): Promise<{ path: string; sha: string; text: string } | null> {
  for (const path of codeownersLocations) {
    try {
      const { data } = await client[octokitOf].request("GET /repos/{owner}/{repo}/contents/{path}", { ...ref, path });
      if (Array.isArray(data) || data.type !== "file" || !("content" in data)) continue;
      return { path, sha: data.sha, text: Buffer.from(data.content, "base64").toString("utf8") };
    } catch (error) {
      if (error instanceof RequestError && error.status === 404) continue;
      throw explainGitHubError(error, `${ref.owner}/${ref.repo}`);
    }
  }
  return null;
}

export interface GitHubIssue {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  author: string | null;
  assignees: string[];
  labels: string[];
  updatedAt: string;
  /** How many comments it has (a claim can only be in one). */
  comments: number;
  isPullRequest: boolean;
}

export interface GitHubComment {
  author: string;
  body: string;
  createdAt: string;
}

/** A conditional GET's outcome: new data with its ETag, or "not modified" (which costs no rate limit). */
export type Conditional<T> = { modified: true; data: T; etag: string | null } | { modified: false };

interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  user: { login: string } | null;
  assignees?: Array<{ login: string }> | null;
  labels: Array<string | { name?: string }>;
  updated_at: string;
  comments?: number;
  pull_request?: unknown;
}

function toIssue(raw: RawIssue): GitHubIssue {
  return {
    number: raw.number,
    title: raw.title,
    body: raw.body ?? null,
    state: raw.state === "closed" ? "closed" : "open",
    author: raw.user?.login ?? null,
    assignees: (raw.assignees ?? []).map((a) => a.login),
    labels: raw.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
    updatedAt: raw.updated_at,
    comments: raw.comments ?? 0,
    isPullRequest: raw.pull_request !== undefined,
  };
}

function isNotModified(error: unknown): boolean {
  return error instanceof RequestError && error.status === 304;
}

function etagOf(headers: Record<string, string | number | undefined>): string | null {
  const etag = headers.etag;
  return typeof etag === "string" ? etag : null;
}

/**
 * Every open issue carrying `label`, following Link pagination. Conditional on the first page's
 * ETag: when nothing changed, GitHub answers 304 and this costs one request and no rate limit.
 */
export async function listOpenIssuesWithLabel(
  client: GitHubClient,
  ref: RepoRef,
  { label, etag }: { label: string; etag: string | null },
): Promise<Conditional<GitHubIssue[]>> {
  const issues: GitHubIssue[] = [];
  let firstEtag: string | null = null;
  try {
    let page = 1;
    for (;;) {
      const response = await client[octokitOf].request("GET /repos/{owner}/{repo}/issues", {
        ...ref,
        state: "open",
        labels: label,
        per_page: 100,
        page,
        headers: page === 1 && etag ? { "if-none-match": etag } : {},
      });
      if (page === 1) firstEtag = etagOf(response.headers);
      issues.push(...response.data.map((raw) => toIssue(raw)).filter((i) => !i.isPullRequest));
      if (!/rel="next"/.test(response.headers.link ?? "")) break;
      page += 1;
    }
  } catch (error) {
    if (isNotModified(error)) return { modified: false };
    throw explainGitHubError(error, `${ref.owner}/${ref.repo}`);
  }
  return { modified: true, data: issues, etag: firstEtag };
}

/** One issue, conditional on its ETag. */
export async function getIssue(
  client: GitHubClient,
  ref: RepoRef,
  { number, etag }: { number: number; etag: string | null },
): Promise<Conditional<GitHubIssue>> {
  try {
    const response = await client[octokitOf].request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      ...ref,
      issue_number: number,
      headers: etag ? { "if-none-match": etag } : {},
    });
    return { modified: true, data: toIssue(response.data), etag: etagOf(response.headers) };
  } catch (error) {
    if (isNotModified(error)) return { modified: false };
    if (error instanceof RequestError && error.status === 404) {
      throw new GitHubError(`${ref.owner}/${ref.repo} has no issue #${number} (404).`, 404);
    }
    throw explainGitHubError(error, `${ref.owner}/${ref.repo}#${number}`);
  }
}

/** An issue's comments created or edited since `since` (all when null), oldest first. */
export async function* listIssueComments(
  client: GitHubClient,
  ref: RepoRef,
  { number, since }: { number: number; since: string | null },
): AsyncGenerator<GitHubComment> {
  try {
    const pages = client[octokitOf].paginate.iterator("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...ref,
      issue_number: number,
      per_page: 100,
      ...(since ? { since } : {}),
    });
    for await (const { data } of pages) {
      for (const comment of data) {
        yield { author: comment.user?.login ?? "ghost", body: comment.body ?? "", createdAt: comment.created_at };
      }
    }
  } catch (error) {
    throw explainGitHubError(error, `${ref.owner}/${ref.repo}#${number}`);
  }
}

/** An issue or pull request as the issue search lists it. */
export interface GitHubSearchItem {
  number: number;
  title: string;
  body: string | null;
}

/**
 * Issues and pull requests of the repository updated at or after `since`, page by page (100 a page):
 * a quiet repository costs one request.
 */
export async function* searchUpdatedSince(
  client: GitHubClient,
  ref: RepoRef,
  { since }: { since: string },
): AsyncGenerator<GitHubSearchItem> {
  try {
    const pages = client[octokitOf].paginate.iterator("GET /search/issues", {
      q: `repo:${ref.owner}/${ref.repo} updated:>=${since}`,
      per_page: 100,
    });
    for await (const { data } of pages) {
      for (const item of data) yield { number: item.number, title: item.title, body: item.body ?? null };
    }
  } catch (error) {
    throw explainGitHubError(error, `${ref.owner}/${ref.repo}`);
  }
}

export interface GitHubPullRequestSummary extends GitHubSearchItem {
  author: string;
}

/** Open pull requests whose title or body mentions `text` (one search request per 100 results). */
export async function searchOpenPullRequests(
  client: GitHubClient,
  ref: RepoRef,
  text: string,
): Promise<GitHubPullRequestSummary[]> {
  try {
    const items = await client[octokitOf].paginate("GET /search/issues", {
      q: `repo:${ref.owner}/${ref.repo} is:pr is:open ${text}`,
      per_page: 100,
    });
    return items.map((item) => ({
      number: item.number,
      title: item.title,
      body: item.body ?? null,
      author: item.user?.login ?? "ghost",
    }));
  } catch (error) {
    throw explainGitHubError(error, `${ref.owner}/${ref.repo}`);
  }
}

export interface GitHubPullRequest {
  number: number;
  title: string;
  body: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  createdAt: string;
  mergedAt: string | null;
  updatedAt: string;
  author: { login: string; name: string | null; isBot: boolean; avatarUrl: string | null } | null;
  labels: string[];
  files: Array<{ path: string; additions: number; deletions: number }>;
  /** All files of the PR; `files` holds the first 100 (a PR with more is a sweep either way). */
  fileCount: number;
  reviews: Array<{ reviewer: string | null; state: ReviewState; submittedAt: string | null }>;
}

interface Connection<T> {
  totalCount?: number;
  nodes: T[];
  pageInfo?: { hasNextPage: boolean; endCursor: string | null };
}

interface HistoryPage {
  repository: {
    defaultBranchRef: {
      target: Record<
        string,
        Connection<{ associatedPullRequests: Connection<{ number: number; updatedAt: string }> }>
      > | null;
    } | null;
  } | null;
}

async function query<T>(
  client: GitHubClient,
  ref: RepoRef,
  text: string,
  variables: Record<string, unknown>,
): Promise<T> {
  try {
    return await client[octokitOf].graphql<T>(text, variables);
  } catch (error) {
    if (error instanceof Error && error.name === "GraphqlResponseError") {
      const errors = "errors" in error && Array.isArray(error.errors) ? error.errors : [];
      const messages = errors.map((e: unknown) =>
        typeof e === "object" && e && "message" in e ? String(e.message) : String(e),
      );
      throw new GitHubError(
        `GitHub's GraphQL API answered with an error for ${ref.owner}/${ref.repo}: ${messages.join("; ") || error.message}`,
      );
    }
    throw explainGitHubError(error, `${ref.owner}/${ref.repo}`);
  }
}

/**
 * Pull requests whose squash commits on the default branch touched any of `paths` (files or
 * folders) since `since`: one GraphQL request pages through every path's history at once (one
 * alias per path), so discovery costs a handful of requests however large the repository.
 * Returns each PR's number with its updatedAt.
 */
export async function listPullRequestsTouching(
  client: GitHubClient,
  ref: RepoRef,
  { paths, since }: { paths: string[]; since: string | null },
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  let pending = paths.map((path, i) => ({ alias: `p${i}`, path, after: null as string | null }));
  while (pending.length) {
    const variables: Record<string, unknown> = { owner: ref.owner, name: ref.repo, since };
    const fields = pending.map(({ alias, path, after }, i) => {
      variables[`path${i}`] = path;
      variables[`after${i}`] = after;
      return `${alias}: history(path: $path${i}, first: 100, after: $after${i}, since: $since) {
        pageInfo { hasNextPage endCursor }
        nodes { associatedPullRequests(first: 1) { nodes { number updatedAt } } }
      }`;
    });
    const declarations = pending.map((_, i) => `$path${i}: String!, $after${i}: String`).join(", ");
    const data = await query<HistoryPage>(
      client,
      ref,
      `query($owner: String!, $name: String!, $since: GitTimestamp, ${declarations}) {
        repository(owner: $owner, name: $name) { defaultBranchRef { target { ... on Commit { ${fields.join("\n")} } } } }
      }`,
      variables,
    );
    const target = data.repository?.defaultBranchRef?.target ?? {};
    pending = pending.flatMap((entry) => {
      const history = target[entry.alias];
      for (const commit of history?.nodes ?? []) {
        for (const pr of commit.associatedPullRequests.nodes) found.set(pr.number, pr.updatedAt);
      }
      return history?.pageInfo?.hasNextPage ? [{ ...entry, after: history.pageInfo.endCursor }] : [];
    });
  }
  return found;
}

const PULL_REQUEST_FIELDS = `
  number title body state createdAt mergedAt updatedAt
  author { __typename login avatarUrl ... on User { name } }
  labels(first: 20) { nodes { name } }
  files(first: 100) { totalCount nodes { path additions deletions } }
  reviews(first: 50) { nodes { state submittedAt author { login } } }
`;

interface RawPullRequest {
  number: number;
  title: string;
  body: string;
  state: GitHubPullRequest["state"];
  createdAt: string;
  mergedAt: string | null;
  updatedAt: string;
  author: { __typename: string; login: string; name?: string | null; avatarUrl?: string | null } | null;
  labels: Connection<{ name: string }>;
  files: Connection<{ path: string; additions: number; deletions: number }>;
  reviews: Connection<{
    state: ReviewState;
    submittedAt: string | null;
    author: { login: string } | null;
  }>;
}

/** Pull requests by number, `batchSize` per GraphQL request (aliases), each with files, labels and reviews. */
export async function* getPullRequests(
  client: GitHubClient,
  ref: RepoRef,
  { numbers, batchSize = 25 }: { numbers: number[]; batchSize?: number },
): AsyncGenerator<GitHubPullRequest[]> {
  for (let i = 0; i < numbers.length; i += batchSize) {
    const batch = numbers.slice(i, i + batchSize);
    const data = await query<{ repository: Record<string, RawPullRequest | null> | null }>(
      client,
      ref,
      `query($owner: String!, $name: String!) {
        repository(owner: $owner, name: $name) {
          ${batch.map((n) => `pr${n}: pullRequest(number: ${n}) { ${PULL_REQUEST_FIELDS} }`).join("\n")}
        }
      }`,
      { owner: ref.owner, name: ref.repo },
    );
    yield batch.flatMap((n) => {
      const raw = data.repository?.[`pr${n}`];
      if (!raw) return [];
      return [
        {
          number: raw.number,
          title: raw.title,
          body: raw.body,
          state: raw.state,
          createdAt: raw.createdAt,
          mergedAt: raw.mergedAt,
          updatedAt: raw.updatedAt,
          author: raw.author
            ? {
                login: raw.author.login,
                name: raw.author.name ?? null,
                isBot: raw.author.__typename === "Bot",
                avatarUrl: raw.author.avatarUrl ?? null,
              }
            : null,
          labels: raw.labels.nodes.map((l) => l.name),
          files: raw.files.nodes,
          fileCount: raw.files.totalCount ?? raw.files.nodes.length,
          reviews: raw.reviews.nodes.map((r) => ({
            reviewer: r.author?.login ?? null,
            state: r.state,
            submittedAt: r.submittedAt,
          })),
        },
      ];
    });
  }
}

/** Pull requests (open or not) whose title or body names any of `terms`, updated since `updatedSince` if given. */
export async function searchPullRequests(
  client: GitHubClient,
  ref: RepoRef,
  terms: string[],
  updatedSince: string | null = null,
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  // GitHub allows five boolean operators per search query.
  for (let i = 0; i < terms.length; i += 5) {
    try {
      const items = await client[octokitOf].paginate("GET /search/issues", {
        q: `repo:${ref.owner}/${ref.repo} is:pr${updatedSince ? ` updated:>=${updatedSince}` : ""} ${terms.slice(i, i + 5).join(" OR ")}`,
        per_page: 100,
      });
      for (const item of items) found.set(item.number, item.updated_at);
    } catch (error) {
      throw explainGitHubError(error, `${ref.owner}/${ref.repo}`);
    }
  }
  return found;
}

/**
 * Where GitHub's OAuth pages live for an API base URL: github.com for api.github.com, and the same
 * origin for GitHub Enterprise (`https://ghe.example.com/api/v3`) or the simulator.
 */
export function githubWebUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  return url.origin;
}

/** The page GitHub shows a person to approve signing in to Steward. */
export function oauthAuthorizeUrl({
  apiUrl,
  clientId,
  redirectUri,
  state,
}: {
  apiUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
}): string {
  const url = new URL("/login/oauth/authorize", githubWebUrl(apiUrl));
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  // Steward only needs to know who signed in: no scope asks for nothing beyond public data.
  url.searchParams.set("scope", "");
  return url.toString();
}

/** Exchanges an OAuth code for the signed-in person's GitHub login (the token is used once and dropped). */
export async function signInWithOAuthCode({
  apiUrl,
  clientId,
  clientSecret,
  code,
  redirectUri,
}: {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
}): Promise<{ login: string }> {
  const tokenResponse = await fetch(new URL("/login/oauth/access_token", githubWebUrl(apiUrl)), {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, code, redirect_uri: redirectUri }),
  });
  // GitHub answers a bad code with 200 and `{ error, error_description }`.
  const token = (await tokenResponse.json().catch(() => ({}))) as {
    access_token?: unknown;
    error_description?: unknown;
  };
  if (!tokenResponse.ok || typeof token.access_token !== "string") {
    const reason = typeof token.error_description === "string" ? token.error_description : `${tokenResponse.status}`;
    throw new GitHubError(`GitHub refused the sign-in code: ${reason}`);
  }
  return getAuthenticatedLogin({ apiUrl, token: token.access_token });
}

/** The login a GitHub token belongs to (`GET /user`). */
export async function getAuthenticatedLogin({
  apiUrl,
  token,
}: {
  apiUrl: string;
  token: string;
}): Promise<{ login: string }> {
  const response = await fetch(`${apiUrl.replace(/\/+$/, "")}/user`, {
    headers: { accept: "application/vnd.github+json", authorization: `Bearer ${token}`, "user-agent": "steward" },
  });
  const user = (await response.json().catch(() => ({}))) as { login?: unknown };
  if (!response.ok || typeof user.login !== "string") {
    throw new GitHubError(`GitHub did not say who signed in (GET /user answered ${response.status}).`);
  }
  return { login: user.login };
}
