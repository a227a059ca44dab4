/** One `- [ ]` / `- [x]` line of an umbrella issue: one starter task. */
export interface ChecklistItem {
  /** 1-based position among the issue's checklist items; with the issue number, the task's key. */
  index: number;
  text: string;
  done: boolean;
  /** What names the item in comments and PR titles: its first `code` span or uop-like word. */
  identifier: string;
}

const checklistLine = /^\s*[-*+]\s+\[([ xX])\]\s+(.+?)\s*$/;
const codeSpan = /`([^`]+)`/;
const uopLike = /\b(_?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/;

export function parseChecklist(body: string | null): ChecklistItem[] {
  if (!body) return [];
  const items: ChecklistItem[] = [];
  let inFence = false;
  for (const line of body.replace(/\r\n/g, "\n").split("\n")) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const match = checklistLine.exec(line);
    if (!match?.[2]) continue;
    const text = match[2];
    const identifier = codeSpan.exec(text)?.[1] ?? uopLike.exec(text)?.[1] ?? text;
    items.push({ index: items.length + 1, text, done: match[1] !== " ", identifier });
  }
  return items;
}

export interface Comment {
  author: string;
  body: string;
  createdAt: string;
}

export interface OpenPullRequest {
  number: number;
  title: string;
  author: string;
}

export interface Claim {
  login: string;
  evidence: string;
  /** When a claim by comment was made; null when it stands as long as its assignment or PR does. */
  at: string | null;
}

/** A claim by comment lapses after this many days: the claimant has likely moved on. */
export const CLAIM_DAYS = 30;

/** Whether a claim made at `claimedAt` has lapsed by `now` (claims without a date do not lapse). */
export function claimLapsed(claimedAt: string | null, now: string, claimDays = CLAIM_DAYS): boolean {
  return claimedAt !== null && Date.parse(claimedAt) < Date.parse(now) - claimDays * 86_400_000;
}

// How people claim umbrella items in CPython: "I'd like to work on _X", "I'll take _Y", "Can I pick up _Z?".
const claimPhrase =
  /\b(?:i'?d like to (?:work on|take|try|pick)|i'?ll (?:take|work on|do|pick)|i will (?:take|work on)|i'?m (?:working on|taking)|i am working on|can i (?:take|work on|pick)|may i (?:take|work on)|let me (?:take|try)|claim(?:ing)?)\b/i;

function mentions(text: string, identifier: string): boolean {
  const escaped = identifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(text);
}

/**
 * Who, if anyone, has claimed an open checklist item: an open PR naming the item (strongest), or
 * else the latest comment within `claimDays` of `now` that claims it with a usual phrase.
 */
export function findClaim({
  item,
  comments,
  openPullRequests,
  now,
  claimDays = 30,
}: {
  item: ChecklistItem;
  comments: Comment[];
  openPullRequests: OpenPullRequest[];
  now: string;
  claimDays?: number;
}): Claim | null {
  if (item.done) return null;
  const pr = openPullRequests.find((p) => mentions(p.title, item.identifier));
  if (pr) return { login: pr.author, evidence: `open PR #${pr.number} names ${item.identifier}`, at: null };
  const oldest = Date.parse(now) - claimDays * 86_400_000;
  const claim = comments
    .filter((c) => Date.parse(c.createdAt) >= oldest && claimPhrase.test(c.body) && mentions(c.body, item.identifier))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
  return claim
    ? { login: claim.author, evidence: `claimed in a comment on ${claim.createdAt.slice(0, 10)}`, at: claim.createdAt }
    : null;
}

/**
 * Who, if anyone, has claimed a whole starter issue: its first assignee (strongest), else an open PR that
 * references it (`gh-N`, or `#N` in the body), else the latest comment within `claimDays` of `now` that
 * claims it with a usual phrase ("I'd like to work on this").
 */
export function findIssueClaim({
  issue,
  comments,
  openPullRequests,
  now,
  claimDays = 30,
}: {
  issue: { number: number; assignees: string[] };
  comments: Comment[];
  openPullRequests: Array<OpenPullRequest & { body?: string | null }>;
  now: string;
  claimDays?: number;
}): Claim | null {
  const assignee = issue.assignees[0];
  if (assignee) return { login: assignee, evidence: `assigned to ${assignee}`, at: null };
  const reference = new RegExp(`(^|[^A-Za-z0-9_])(gh-|#)${issue.number}($|[^0-9])`, "i");
  const pr = openPullRequests.find((p) => reference.test(`${p.title}\n${p.body ?? ""}`));
  if (pr) return { login: pr.author, evidence: `open PR #${pr.number} references gh-${issue.number}`, at: null };
  const oldest = Date.parse(now) - claimDays * 86_400_000;
  const claim = comments
    .filter((c) => Date.parse(c.createdAt) >= oldest && claimPhrase.test(c.body))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
  return claim
    ? { login: claim.author, evidence: `claimed in a comment on ${claim.createdAt.slice(0, 10)}`, at: claim.createdAt }
    : null;
}

/** Repository-relative paths mentioned in an issue body, so the classifier can place the issue. */
export function mentionedPaths(body: string | null): string[] {
  if (!body) return [];
  const found =
    body.match(/\b(?:Python|Include|Tools|Lib|Objects|Modules|InternalDocs|Parser)\/[\w./-]+\.\w+\b/g) ?? [];
  return [...new Set(found)];
}
