import type { ClaimKind } from "../../db/schema";
import { mentionsIdentifier, type ChecklistItem } from "./checklist";
import { classifyContribution } from "./classify";
import type { CompiledConfig } from "./config";
import { DAY_MS, isoSeconds } from "./dates";
import { issueReferences, referencesIssue } from "./references";

export type { ClaimKind };

/**
 * A starter task: a checklist item of an umbrella issue (`134584#3`) or a whole labelled issue
 * (`140001`). `Claimant` is how its claimant is known: a GitHub login when the sync or a webhook reads
 * it, an identity in the demo, a stored person on a page.
 */
export interface StarterTask<Claimant = string> {
  key: string;
  stageId: string | null;
  issueNumber: number;
  umbrellaNumber: number | null;
  title: string;
  state: "open" | "done";
  claimedBy: Claimant | null;
  claimKind: ClaimKind | null;
  claimEvidence: string | null;
  /** When a claim by comment was made (it lapses); null otherwise. */
  claimedAt: string | null;
  labels: string[];
  updatedAt: string;
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

/**
 * The oldest a claim by comment may be on `now` and still stand. To the second, as timestamps are
 * stored, so a query can compare it with the stored claim dates as text.
 */
export function claimCutoff(now: string, claimDays = CLAIM_DAYS): string {
  return isoSeconds(Date.parse(now) - claimDays * DAY_MS);
}

/** Whether a claim made at `claimedAt` has lapsed by `now` (claims without a date do not lapse). */
export function claimLapsed(claimedAt: string | null, now: string, claimDays = CLAIM_DAYS): boolean {
  return claimedAt !== null && Date.parse(claimedAt) < Date.parse(claimCutoff(now, claimDays));
}

/**
 * How a claim found by `findClaim` or `findIssueClaim` was made. Only a claim by comment has a date,
 * and an issue's first assignee claims it before anything else can.
 */
export function kindOfClaim(claim: Claim, { assignees = [] }: { assignees?: string[] } = {}): ClaimKind {
  if (claim.at !== null) return "comment";
  return assignees[0] !== undefined && claim.login === assignees[0] ? "assignee" : "pull-request";
}

// How people claim umbrella items in CPython: "I'd like to work on _X", "I'll take _Y", "Can I pick up _Z?".
const claimPhrase =
  /\b(?:i'?d like to (?:work on|take|try|pick)|i'?ll (?:take|work on|do|pick)|i will (?:take|work on)|i'?m (?:working on|taking)|i am working on|can i (?:take|work on|pick)|may i (?:take|work on)|let me (?:take|try)|claim(?:ing)?)\b/i;

/** The latest of `comments` that still stands on `now` and claims something with a usual phrase. */
function latestClaimingComment(
  comments: Comment[],
  { now, claimDays, about }: { now: string; claimDays: number; about: (body: string) => boolean },
): Claim | null {
  const cutoff = Date.parse(claimCutoff(now, claimDays));
  const claim = comments
    .filter((c) => Date.parse(c.createdAt) >= cutoff && claimPhrase.test(c.body) && about(c.body))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
  return claim
    ? { login: claim.author, evidence: `claimed in a comment on ${claim.createdAt.slice(0, 10)}`, at: claim.createdAt }
    : null;
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
  claimDays = CLAIM_DAYS,
}: {
  item: ChecklistItem;
  comments: Comment[];
  openPullRequests: OpenPullRequest[];
  now: string;
  claimDays?: number;
}): Claim | null {
  if (item.done) return null;
  const pr = openPullRequests.find((p) => mentionsIdentifier(p.title, item.identifier));
  if (pr) return { login: pr.author, evidence: `open PR #${pr.number} names ${item.identifier}`, at: null };
  return latestClaimingComment(comments, {
    now,
    claimDays,
    about: (body) => mentionsIdentifier(body, item.identifier),
  });
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
  claimDays = CLAIM_DAYS,
}: {
  issue: { number: number; assignees: string[] };
  comments: Comment[];
  openPullRequests: Array<OpenPullRequest & { body?: string | null }>;
  now: string;
  claimDays?: number;
}): Claim | null {
  const assignee = issue.assignees[0];
  if (assignee) return { login: assignee, evidence: `assigned to ${assignee}`, at: null };
  const pr = openPullRequests.find((p) => referencesIssue(`${p.title}\n${p.body ?? ""}`, issue.number));
  if (pr) return { login: pr.author, evidence: `open PR #${pr.number} references gh-${issue.number}`, at: null };
  return latestClaimingComment(comments, { now, claimDays, about: () => true });
}

/** Repository-relative paths mentioned in an issue body, so the classifier can place the issue. */
export function mentionedPaths(body: string | null): string[] {
  if (!body) return [];
  const found =
    body.match(/\b(?:Python|Include|Tools|Lib|Objects|Modules|InternalDocs|Parser)\/[\w./-]+\.\w+\b/g) ?? [];
  return [...new Set(found)];
}

type ClaimFields = Pick<StarterTask, "claimedBy" | "claimKind" | "claimEvidence" | "claimedAt">;

/** How a task stores its claim: who, how, the evidence, and when a claim by comment was made. */
export function claimFields(claim: Claim | null, issue: { assignees: string[] } = { assignees: [] }): ClaimFields {
  return {
    claimedBy: claim?.login ?? null,
    claimKind: claim ? kindOfClaim(claim, issue) : null,
    claimEvidence: claim?.evidence ?? null,
    claimedAt: claim?.at ?? null,
  };
}

/** One checklist item of a starter-track umbrella issue as a task; a ticked item is done. */
export function checklistTask({
  umbrella,
  stageId,
  item,
  claim,
  labels,
  now,
}: {
  umbrella: number;
  stageId: string;
  item: ChecklistItem;
  claim: Claim | null;
  labels: string[];
  now: string;
}): StarterTask {
  return {
    key: `${umbrella}#${item.index}`,
    stageId,
    issueNumber: umbrella,
    umbrellaNumber: umbrella,
    title: item.text.replace(/`/g, ""),
    state: item.done ? "done" : "open",
    ...claimFields(claim),
    claimEvidence: claim?.evidence ?? (item.done ? "ticked in the checklist" : null),
    labels,
    updatedAt: now,
  };
}

/** What a labelled issue brings to its task. */
export interface StarterIssue {
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  assignees: string[];
}

/**
 * A labelled issue as a starter task, or null when nothing ties it to the tracked stages (most `easy`
 * issues of a big project). `claim` defaults to what the issue itself says: its assignee.
 */
export function labelledTask(
  config: CompiledConfig,
  issue: StarterIssue,
  now: string,
  claim: Claim | null = findIssueClaim({ issue, comments: [], openPullRequests: [], now }),
): StarterTask | null {
  const paths = [...new Set([...mentionedPaths(issue.title), ...mentionedPaths(issue.body)])];
  const classification = classifyContribution(config, {
    title: issue.title,
    files: paths.map((path) => ({ path, added: 1, deleted: 0 })),
    refs: issueReferences(`${issue.title}\n${issue.body ?? ""}`),
    labels: issue.labels,
  });
  if (!classification.jitRelated && classification.stages.length === 0) return null;
  return {
    key: String(issue.number),
    stageId: classification.stages[0]?.stageId ?? null,
    issueNumber: issue.number,
    umbrellaNumber: null,
    title: issue.title,
    state: "open",
    ...claimFields(claim, issue),
    labels: issue.labels,
    updatedAt: now,
  };
}
