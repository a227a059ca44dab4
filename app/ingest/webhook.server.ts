import { z } from "zod";
import type { Database, Executor } from "../../db/database";
import type { GitHubIssue } from "../github.server";
import { insertContributions, type NewContribution } from "../models/contribution.server";
import { PeopleResolver } from "../models/person.server";
import { upsertPullRequestFromWebhook, upsertReviewFromWebhook } from "../models/pull-request.server";
import { findClaim, findIssueClaim, parseChecklist } from "../stewardship/checklist";
import { parseCommitMessage } from "../stewardship/commit-message";
import type { CompiledConfig } from "../stewardship/config";
import { reviewWeight, type ReviewState } from "../stewardship/reviews";
import { replaceGitHubStarterTasks } from "../models/starter-task.server";
import { checklistTask, labelledTask } from "./github-sync.server";

export type WebhookOutcome = "applied" | "duplicate" | "ignored";

/** The payload did not have the shape GitHub sends for its event; the message says what is missing. */
export class WebhookPayloadError extends Error {
  override name = "WebhookPayloadError";
}

const user = z.object({ login: z.string(), type: z.string().optional() });
const label = z.object({ name: z.string() });
const repository = z.object({ full_name: z.string(), default_branch: z.string().optional() });
const issue = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.string(),
  labels: z.array(label).default([]),
  assignees: z.array(user).default([]),
  updated_at: z.string(),
  pull_request: z.unknown().optional(),
});

const schemas = {
  pull_request: z.object({
    repository,
    pull_request: z.object({
      number: z.number().int(),
      title: z.string(),
      body: z.string().nullable().optional(),
      user: user.nullable(),
      labels: z.array(label).default([]),
      created_at: z.string(),
      merged_at: z.string().nullable().optional(),
    }),
  }),
  pull_request_review: z.object({
    repository,
    review: z.object({ user: user.nullable(), state: z.string(), submitted_at: z.string().nullable().optional() }),
    pull_request: z.object({ number: z.number().int(), user: user.nullable() }),
  }),
  issues: z.object({ repository, action: z.string(), issue }),
  issue_comment: z.object({
    repository,
    issue,
    comment: z.object({ user: user.nullable(), body: z.string(), created_at: z.string() }),
  }),
  push: z.object({
    repository,
    ref: z.string(),
    commits: z.array(
      z.object({
        id: z.string(),
        message: z.string(),
        timestamp: z.string(),
        author: z.object({ name: z.string(), email: z.string().optional(), username: z.string().optional() }),
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

const reviewStates: ReviewState[] = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"];

const iso = (value: string) => new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Applies one webhook delivery to the same tables the sync writes, once: the delivery id is
 * recorded in the same transaction as the change, so a redelivery is a no-op. Events of another
 * repository, or of kinds Steward does not use, are acknowledged and ignored.
 */
export async function applyWebhook(
  db: Database,
  {
    config,
    event,
    deliveryId,
    payload,
  }: { config: CompiledConfig; event: string; deliveryId: string; payload: unknown },
): Promise<WebhookOutcome> {
  if (!isHandled(event)) return "ignored";
  const data = parse(event, payload);
  if (data.repository.full_name.toLowerCase() !== config.config.project.repository.toLowerCase()) return "ignored";
  const seen = await db.selectFrom("webhookDeliveries").select("id").where("id", "=", deliveryId).executeTakeFirst();
  if (seen) return "duplicate";
  const people = await PeopleResolver.load(db, config);
  try {
    return await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("webhookDeliveries")
        .values({ id: deliveryId, event, receivedAt: iso(new Date().toISOString()) })
        .execute();
      await apply(trx, config, people, event, payload);
      return "applied" as const;
    });
  } catch (error) {
    // A concurrent redelivery won the race to record this id: it was applied once, by the other.
    if (error instanceof Error && /UNIQUE constraint failed: webhook_deliveries/.test(error.message))
      return "duplicate";
    throw error;
  }
}

async function apply(
  trx: Executor,
  config: CompiledConfig,
  people: PeopleResolver,
  event: EventName,
  payload: unknown,
): Promise<void> {
  const now = iso(new Date().toISOString());
  switch (event) {
    case "pull_request": {
      const { pull_request: pr } = parse(event, payload);
      const text = `${pr.title}\n${pr.body ?? ""}`;
      await upsertPullRequestFromWebhook(trx, {
        config,
        people,
        pr: {
          number: pr.number,
          title: pr.title,
          createdAt: iso(pr.created_at),
          mergedAt: pr.merged_at ? iso(pr.merged_at) : null,
          author: pr.user ? { name: pr.user.login, login: pr.user.login } : null,
          labels: pr.labels.map((l) => l.name),
          refs: [...text.matchAll(/\bgh-(\d+)\b/gi)].map((m) => Number(m[1])).filter((n) => n !== pr.number),
        },
      });
      return;
    }
    case "pull_request_review": {
      const { review, pull_request: pr } = parse(event, payload);
      if (!review.user) return;
      const state = reviewStates.find((s) => s === review.state.toUpperCase()) ?? "PENDING";
      const weight = reviewWeight(state, {
        selfReview: review.user.login.toLowerCase() === pr.user?.login.toLowerCase(),
      });
      await upsertReviewFromWebhook(trx, {
        config,
        people,
        prNumber: pr.number,
        reviewer: { name: review.user.login, login: review.user.login },
        weight,
        submittedAt: review.submitted_at ? iso(review.submitted_at) : null,
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
          occurredAt: iso(commit.timestamp),
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
  if (umbrella) {
    // Keep the claims already known (a payload carries at most one new comment).
    const stored = await trx
      .selectFrom("starterTasks as t")
      .leftJoin("people as p", "p.id", "t.claimedByPersonId")
      .select(["t.key", "p.login", "t.claimEvidence", "t.claimedAt"])
      .where("t.umbrellaNumber", "=", raw.number)
      .execute();
    const known = new Map(stored.map((row) => [row.key, row]));
    const comments = comment?.user
      ? [{ author: comment.user.login, body: comment.body, createdAt: iso(comment.created_at) }]
      : [];
    const tasks = parseChecklist(raw.body ?? "").map((item) => {
      const previous = known.get(`${raw.number}#${item.index}`);
      const claim =
        findClaim({ item, comments, openPullRequests: [], now }) ??
        (!item.done && previous?.login
          ? { login: previous.login, evidence: previous.claimEvidence ?? "claimed earlier", at: previous.claimedAt }
          : null);
      return checklistTask(raw.number, umbrella.stage, item, claim, labels, now);
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
    await trx.deleteFrom("starterTasks").where("key", "=", String(raw.number)).where("source", "=", "github").execute();
    return;
  }
  const starterIssue: GitHubIssue = {
    number: raw.number,
    title: raw.title,
    body: raw.body ?? null,
    state: raw.state === "closed" ? "closed" : "open",
    author: null,
    assignees: raw.assignees.map((a) => a.login),
    labels,
    updatedAt: raw.updated_at,
    comments: 0,
    isPullRequest: false,
  };
  // The payload carries at most one new comment: keep a claim already made by comment or PR, but not an
  // assignment that this event may have just taken back.
  const stored = await trx
    .selectFrom("starterTasks as t")
    .leftJoin("people as p", "p.id", "t.claimedByPersonId")
    .select(["p.login", "t.claimEvidence", "t.claimedAt"])
    .where("t.key", "=", String(raw.number))
    .where("t.source", "=", "github")
    .executeTakeFirst();
  const comments = comment?.user
    ? [{ author: comment.user.login, body: comment.body, createdAt: iso(comment.created_at) }]
    : [];
  const previous =
    stored?.login && stored.claimEvidence && !stored.claimEvidence.startsWith("assigned to ")
      ? { login: stored.login, evidence: stored.claimEvidence, at: stored.claimedAt }
      : null;
  const claim = findIssueClaim({ issue: starterIssue, comments, openPullRequests: [], now }) ?? previous;
  const task = starterIssue.state === "open" ? labelledTask(config, starterIssue, now, claim) : null;
  if (!task) {
    await trx.deleteFrom("starterTasks").where("key", "=", String(raw.number)).where("source", "=", "github").execute();
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
