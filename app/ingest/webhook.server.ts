import { z } from "zod";
import type { Database, Executor } from "../../db/database";
import { webhookSignatureCheck } from "../github.server";
import { insertContributions, type NewContribution } from "../models/contribution.server";
import { holdsDemoData } from "../models/database-contents.server";
import { PeopleResolver } from "../models/person.server";
import { upsertPullRequestFromWebhook, upsertReviewFromWebhook } from "../models/pull-request.server";
import {
  deleteGitHubLabelledTask,
  getLabelledTaskClaim,
  listUmbrellaClaims,
  replaceGitHubStarterTasks,
} from "../models/starter-task.server";
import {
  hasWebhookDelivery,
  insertWebhookDelivery,
  isDuplicateWebhookDelivery,
} from "../models/webhook-delivery.server";
import { parseChecklist } from "../stewardship/checklist";
import { parseCommitMessage } from "../stewardship/commit-message";
import type { CompiledConfig } from "../stewardship/config";
import { isoSeconds } from "../stewardship/dates";
import { pullRequestReferences } from "../stewardship/references";
import { reviewWeight, toReviewState } from "../stewardship/reviews";
import {
  checklistTask,
  findClaim,
  findIssueClaim,
  labelledTask,
  type Claim,
  type Comment,
  type StarterIssue,
} from "../stewardship/starter-tasks";
import { DemoDataError } from "./demo-apart.server";

export type WebhookOutcome = "applied" | "duplicate" | "ignored";

/**
 * Where an applied delivery's follow-up goes: fetching the pull request it names, whose files the payload
 * lacks. `queue` sends `job` for the PR's number inside the delivery's transaction (see JobQueue).
 */
export interface WebhookFollowUps {
  queue: { enqueue: (trx: Executor, job: string, key: string) => Promise<boolean> };
  job: string;
}

export interface WebhookResult {
  outcome: WebhookOutcome;
  /**
   * The pull request an applied delivery wants fetched in full, and whether a fetch was queued for it
   * now (`queued`), one was already waiting (`waiting`), or follow-ups are off (`off`: a sync fetches it once it is merged).
   */
  followUp: { pullRequest: number; queued: "queued" | "waiting" | "off" } | null;
}

/** The payload did not have the shape GitHub sends for its event; the message says what is missing. */
export class WebhookPayloadError extends Error {
  override name = "WebhookPayloadError";
}

/** GitHub caps a delivery's payload at 25 MB: a larger body is not GitHub's and is not read. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export type WebhookBody = { ok: true; text: string } | { ok: false; status: 400 | 401 | 413; message: string };

export const webhookTooLarge = `A GitHub delivery is at most ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB; this body is larger.`;

/**
 * Reads a delivery's body as a stream, at most `maxBytes` of it (a chunked body declares no length),
 * hashing the bytes as they arrive; the text is returned only once the signature matches. Reading stops
 * and the stream is cancelled as soon as the cap is passed.
 */
export async function readSignedWebhookBody(
  body: ReadableStream<Uint8Array> | null,
  { secret, signature, maxBytes = MAX_WEBHOOK_BYTES }: { secret: string; signature: string; maxBytes?: number },
): Promise<WebhookBody> {
  const check = webhookSignatureCheck(secret);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return { ok: false, status: 413, message: webhookTooLarge };
      }
      check.update(value);
      chunks.push(value);
    }
  }
  if (!check.matches(signature)) {
    return {
      ok: false,
      status: 401,
      message: "The X-Hub-Signature-256 signature does not match this body and GITHUB_WEBHOOK_SECRET.",
    };
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, status: 400, message: "The body is not UTF-8 text." };
  }
}

// GitHub's own rules: logins are letters, digits and single inner hyphens, at most 39 characters
// (older accounts may keep a double or trailing hyphen); apps act as `name[bot]`.
const login = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$/, "must be a GitHub login");
const number = z.number().int().positive().safe();
const isoDate = z
  .string()
  .datetime({ offset: true, message: "must be an ISO 8601 date and time" })
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be a real date");
const commitId = z.string().regex(/^[0-9a-f]{40}$/i, "must be a 40-character hexadecimal commit id");

const user = z.object({ login, type: z.string().optional() });
const label = z.object({ name: z.string() });
const repository = z.object({ full_name: z.string(), default_branch: z.string().optional() });
const issue = z.object({
  number,
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.string(),
  labels: z.array(label).default([]),
  assignees: z.array(user).default([]),
  updated_at: isoDate,
  closed_at: isoDate.nullable().optional(),
  pull_request: z.unknown().optional(),
});

const schemas = {
  pull_request: z.object({
    repository,
    pull_request: z.object({
      number,
      title: z.string(),
      body: z.string().nullable().optional(),
      user: user.nullable(),
      labels: z.array(label).default([]),
      state: z.enum(["open", "closed"]).optional(),
      created_at: isoDate,
      updated_at: isoDate.optional(),
      closed_at: isoDate.nullable().optional(),
      merged_at: isoDate.nullable().optional(),
    }),
  }),
  pull_request_review: z.object({
    repository,
    review: z.object({ user: user.nullable(), state: z.string(), submitted_at: isoDate.nullable().optional() }),
    pull_request: z.object({ number, user: user.nullable() }),
  }),
  issues: z.object({ repository, action: z.string(), issue }),
  issue_comment: z.object({
    repository,
    issue,
    comment: z.object({ user: user.nullable(), body: z.string(), created_at: isoDate, updated_at: isoDate.optional() }),
  }),
  push: z.object({
    repository,
    ref: z.string(),
    commits: z.array(
      z.object({
        id: commitId,
        message: z.string(),
        timestamp: isoDate,
        author: z.object({
          name: z.string(),
          email: z.string().nullable().optional(),
          username: login.optional(),
        }),
        added: z.array(z.string()).default([]),
        modified: z.array(z.string()).default([]),
        removed: z.array(z.string()).default([]),
      }),
    ),
  }),
};

type EventName = keyof typeof schemas;
const isHandled = (event: string): event is EventName => event in schemas;

function parse<E extends EventName>(event: E, payload: unknown): z.infer<(typeof schemas)[E]> {
  const result = schemas[event].safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new WebhookPayloadError(
      `The ${event} payload is malformed at ${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return result.data;
}

/**
 * Applies one webhook delivery to the same tables the sync writes, once: the delivery id is
 * recorded in the same transaction as the change, so a redelivery is a no-op. Events of another
 * repository, or of kinds Steward does not use, are acknowledged and ignored. A database holding the
 * demo data set takes none (DemoDataError). A `pull_request` or `pull_request_review` delivery queues, in
 * the same transaction, the fetch of its PR's files and reviews (`followUps`; none when null).
 */
export async function applyWebhook(
  db: Database,
  {
    config,
    event,
    deliveryId,
    payload,
    followUps = null,
  }: {
    config: CompiledConfig;
    event: string;
    deliveryId: string;
    payload: unknown;
    followUps?: WebhookFollowUps | null;
  },
): Promise<WebhookResult> {
  const notApplied = (outcome: "duplicate" | "ignored"): WebhookResult => ({ outcome, followUp: null });
  if (!isHandled(event)) return notApplied("ignored");
  const data = parse(event, payload);
  if (data.repository.full_name.toLowerCase() !== config.config.project.repository.toLowerCase())
    return notApplied("ignored");
  if (await holdsDemoData(db)) {
    // Not recorded as delivered: once Steward serves real data, GitHub's "Redeliver" applies it.
    throw new DemoDataError(
      "This Steward serves the demo data set, and demo and real data must never mix: the delivery was not applied. " +
        "Point DATABASE_URL at the database your git import and sync write, then redeliver.",
    );
  }
  if (await hasWebhookDelivery(db, { id: deliveryId })) return notApplied("duplicate");
  const people = await PeopleResolver.load(db, config);
  const pullRequest = pullRequestToFetch(event, payload);
  try {
    return await db.transaction().execute(async (trx): Promise<WebhookResult> => {
      await insertWebhookDelivery(trx, { id: deliveryId, event, receivedAt: isoSeconds(new Date()) });
      await apply(trx, config, people, event, payload);
      if (pullRequest === null) return { outcome: "applied", followUp: null };
      if (!followUps) return { outcome: "applied", followUp: { pullRequest, queued: "off" } };
      const queued = await followUps.queue.enqueue(trx, followUps.job, String(pullRequest));
      return { outcome: "applied", followUp: { pullRequest, queued: queued ? "queued" : "waiting" } };
    });
  } catch (error) {
    // A concurrent redelivery won the race to record this id: it was applied once, by the other.
    if (isDuplicateWebhookDelivery(error)) return notApplied("duplicate");
    throw error;
  }
}

/** The pull request whose files and reviews a delivery of `event` leaves to be fetched, if any. */
function pullRequestToFetch(event: EventName, payload: unknown): number | null {
  if (event === "pull_request") return parse(event, payload).pull_request.number;
  if (event === "pull_request_review") {
    const { review, pull_request: pr } = parse(event, payload);
    return review.user ? pr.number : null;
  }
  return null;
}

async function apply(
  trx: Executor,
  config: CompiledConfig,
  people: PeopleResolver,
  event: EventName,
  payload: unknown,
): Promise<void> {
  const now = isoSeconds(new Date());
  switch (event) {
    case "pull_request": {
      const { pull_request: pr } = parse(event, payload);
      await upsertPullRequestFromWebhook(trx, {
        config,
        people,
        pr: {
          number: pr.number,
          title: pr.title,
          createdAt: isoSeconds(pr.created_at),
          mergedAt: pr.merged_at ? isoSeconds(pr.merged_at) : null,
          ...(pr.merged_at ? { state: "merged" as const } : pr.state ? { state: pr.state } : {}),
          author: pr.user ? { name: pr.user.login, login: pr.user.login } : null,
          labels: pr.labels.map((l) => l.name),
          refs: pullRequestReferences({ number: pr.number, title: pr.title, body: pr.body ?? null }),
        },
      });
      return;
    }
    case "pull_request_review": {
      const { review, pull_request: pr } = parse(event, payload);
      if (!review.user) return;
      const weight = reviewWeight(toReviewState(review.state), {
        selfReview: review.user.login.toLowerCase() === pr.user?.login.toLowerCase(),
      });
      await upsertReviewFromWebhook(trx, {
        config,
        people,
        prNumber: pr.number,
        reviewer: { name: review.user.login, login: review.user.login },
        weight,
        submittedAt: review.submitted_at ? isoSeconds(review.submitted_at) : null,
      });
      return;
    }
    case "issues":
    case "issue_comment": {
      const data = parse(event, payload);
      await applyIssue(
        trx,
        config,
        people,
        data.issue,
        event === "issue_comment" ? parse("issue_comment", payload).comment : null,
        now,
      );
      return;
    }
    case "push": {
      const push = parse(event, payload);
      const branch = push.repository.default_branch ?? config.config.project.branch;
      if (push.ref !== `refs/heads/${branch}`) return;
      const items: NewContribution[] = push.commits.map((commit) => {
        const facts = parseCommitMessage(commit.message);
        // Push payloads name files but not line counts: each counts as one line until git brings the numbers.
        const files = [...commit.added, ...commit.modified, ...commit.removed].map((path) => ({
          path,
          added: null,
          deleted: null,
        }));
        return {
          kind: "commit",
          source: "github",
          sha: commit.id,
          prNumber: facts.prNumber,
          title: facts.title,
          occurredAt: isoSeconds(commit.timestamp),
          refs: facts.refs,
          labels: [],
          files,
          people: [
            {
              identity: {
                name: commit.author.name,
                email: commit.author.email ?? null,
                login: commit.author.username ?? null,
              },
              role: "author" as const,
            },
            ...facts.coAuthors.map((identity) => ({ identity, role: "co-author" as const })),
          ],
        };
      });
      await insertContributions(trx, { config, people, items });
      return;
    }
  }
}

async function applyIssue(
  trx: Executor,
  config: CompiledConfig,
  people: PeopleResolver,
  raw: z.infer<typeof issue>,
  comment: { user: { login: string } | null; body: string; created_at: string } | null,
  now: string,
): Promise<void> {
  if (raw.pull_request !== undefined) return;
  const labels = raw.labels.map((l) => l.name);
  const umbrella = config.config.umbrellaIssues.find((u) => u.number === raw.number && u.starterTrack);
  const resolve = (login: string) => people.resolve(trx, { name: login, login });
  // A payload carries at most one new comment: claims already stored are kept unless this event ends them.
  const comments: Comment[] = comment?.user
    ? [{ author: comment.user.login, body: comment.body, createdAt: isoSeconds(comment.created_at) }]
    : [];
  if (umbrella) {
    const known = await listUmbrellaClaims(trx, { umbrellaNumber: raw.number });
    const tasks = parseChecklist(raw.body ?? "").map((item) => {
      const previous = known.get(`${raw.number}#${item.index}`);
      const claim =
        findClaim({ item, comments, openPullRequests: [], now }) ??
        (!item.done && previous?.login
          ? { login: previous.login, evidence: previous.evidence ?? "claimed earlier", at: previous.at }
          : null);
      return checklistTask({ umbrella: raw.number, stageId: umbrella.stage, item, claim, labels, now });
    });
    await replaceGitHubStarterTasks(trx, {
      tasks,
      refreshedUmbrellas: [raw.number],
      refreshedLabels: [],
      starterLabels: config.config.starterLabels,
      resolve,
    });
    return;
  }
  if (!labels.some((l) => config.config.starterLabels.includes(l))) {
    // No longer a starter issue (unlabelled): drop its task if it had one.
    await deleteGitHubLabelledTask(trx, { issueNumber: raw.number });
    return;
  }
  const starterIssue: StarterIssue = {
    number: raw.number,
    title: raw.title,
    body: raw.body ?? null,
    assignees: raw.assignees.map((a) => a.login),
    labels,
  };
  // Keep a claim already made by comment or PR, but not an assignment that this event may have just taken back.
  const stored = await getLabelledTaskClaim(trx, { issueNumber: raw.number });
  const previous: Claim | null =
    stored?.login && stored.evidence && stored.kind !== "assignee"
      ? { login: stored.login, evidence: stored.evidence, at: stored.at }
      : null;
  const claim = findIssueClaim({ issue: starterIssue, comments, openPullRequests: [], now }) ?? previous;
  const task = raw.state !== "closed" ? labelledTask(config, starterIssue, now, claim) : null;
  if (!task) {
    await deleteGitHubLabelledTask(trx, { issueNumber: raw.number });
    return;
  }
  await replaceGitHubStarterTasks(trx, {
    tasks: [task],
    refreshedUmbrellas: [],
    refreshedLabels: [],
    starterLabels: config.config.starterLabels,
    resolve,
  });
}
