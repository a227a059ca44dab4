import { sql } from "kysely";
import type { Database, Executor } from "../../db/database";
import type { PullRequestState } from "../../db/schema";
import type { FileChange } from "../stewardship/classify";
import type { CompiledConfig } from "../stewardship/config";
import type { PersonIdentity } from "../stewardship/identity";
import { reclassifyContributions } from "./classification.server";
import { chunk, toJsonArray } from "./columns.server";
import { fileTotals, getAuthor, replaceFiles, replacePeople } from "./contribution.server";
import { linkGitHubAccount, type PeopleResolver } from "./person.server";
import { larger } from "./dialect.server";

/** A pull request as the GitHub sync reads it, with reviewers already weighed. */
export interface PullRequestFacts {
  number: number;
  /** What GitHub says of the author's account, to link it to git's identity of the same person. */
  account?: { login: string; isBot: boolean; avatarUrl: string | null } | null;
  title: string;
  createdAt: string;
  mergedAt: string | null;
  /** GitHub's state; without it, merged when `mergedAt` says so and otherwise unknown. */
  state?: PullRequestState;
  updatedAt: string;
  author: PersonIdentity | null;
  labels: string[];
  refs: number[];
  files: FileChange[];
  /** `occurredAt`: when they last reviewed it (null if GitHub did not say). */
  reviewers: Array<{ identity: PersonIdentity; weight: number; occurredAt: string | null }>;
}

function stateOf(pr: { state?: PullRequestState; mergedAt: string | null }): PullRequestState | null {
  return pr.state ?? (pr.mergedAt ? "merged" : null);
}

/**
 * The stored contribution a PR number names: git's copy (the squash commit, which has a sha) when git
 * brought it, else the one the GitHub sync or a webhook stored. Null when the PR is unknown.
 */
async function getPullRequestContribution(
  trx: Executor,
  prNumber: number,
): Promise<{ id: number; sha: string | null } | null> {
  const row = await trx
    .selectFrom("contributions")
    .select(["id", "sha"])
    .where("prNumber", "=", prNumber)
    .orderBy((eb) => eb.case().when("sha", "is", null).then(1).else(0).end())
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Stores a pull request's GitHub details. A merged PR whose squash commit git already brought is the
 * same contribution: it gains the PR's labels and reviewers and keeps git's files and authors. A PR
 * not (yet) in git is a contribution of its own, which the git import later merges into its commit.
 */
export async function upsertPullRequest(
  trx: Executor,
  { config, people, pr }: { config: CompiledConfig; people: PeopleResolver; pr: PullRequestFacts },
): Promise<"added" | "merged" | "updated"> {
  const existing = await getPullRequestContribution(trx, pr.number);
  const reviewers = pr.reviewers.map((r) => ({
    identity: r.identity,
    role: "reviewer" as const,
    weight: r.weight,
    occurredAt: r.occurredAt,
  }));

  if (existing?.sha) {
    await trx
      .updateTable("contributions")
      .set({ labels: toJsonArray(pr.labels), prUpdatedAt: pr.updatedAt, prState: "merged", openedAt: pr.createdAt })
      .where("id", "=", existing.id)
      .execute();
    // The squash commit's author is the PR's author: this links git's identity to the GitHub account.
    const gitAuthor = await getAuthor(trx, existing.id);
    if (gitAuthor !== null && pr.account) await linkGitHubAccount(trx, { ...gitAuthor, ...pr.account, people });
    await replacePeople(trx, people, existing.id, reviewers, ["reviewer"]);
    await reclassifyContributions(trx, config, [existing.id]);
    return "merged";
  }

  const row = {
    title: pr.title,
    occurredAt: pr.mergedAt ?? pr.createdAt,
    openedAt: pr.createdAt,
    mergedAt: pr.mergedAt,
    refs: toJsonArray(pr.refs),
    labels: toJsonArray(pr.labels),
    ...fileTotals(pr.files),
    prUpdatedAt: pr.updatedAt,
    prState: stateOf(pr),
  };
  let id = existing?.id;
  if (id === undefined) {
    const inserted = await trx
      .insertInto("contributions")
      .values({ kind: "pull_request", source: "github", sha: null, prNumber: pr.number, ...row })
      .returning("id")
      .executeTakeFirstOrThrow();
    id = Number(inserted.id);
  } else {
    await trx.updateTable("contributions").set(row).where("id", "=", id).execute();
  }
  await replaceFiles(trx, id, pr.files);
  const authors = pr.author ? [{ identity: pr.author, role: "author" as const }] : [];
  await replacePeople(trx, people, id, [...authors, ...reviewers], ["author", "co-author", "reviewer"]);
  if (pr.account) {
    const author = await getAuthor(trx, id);
    if (author !== null) await linkGitHubAccount(trx, { ...author, ...pr.account, people });
  }
  await reclassifyContributions(trx, config, [id]);
  return existing ? "updated" : "added";
}

/**
 * Stores what a `pull_request` webhook says of a PR: title, labels and author, but no files or reviews.
 * A stored PR is updated in place (its files and reviewers stay); an unknown one is stored bare.
 * Either way its updatedAt is cleared, so the next sync fetches it in full.
 */
export async function upsertPullRequestFromWebhook(
  trx: Executor,
  {
    config,
    people,
    pr,
  }: {
    config: CompiledConfig;
    people: PeopleResolver;
    pr: Omit<PullRequestFacts, "files" | "reviewers" | "updatedAt">;
  },
): Promise<void> {
  const existing = await getPullRequestContribution(trx, pr.number);
  let id = existing?.id;
  if (id === undefined) {
    const inserted = await trx
      .insertInto("contributions")
      .values({
        kind: "pull_request",
        source: "github",
        sha: null,
        prNumber: pr.number,
        title: pr.title,
        occurredAt: pr.mergedAt ?? pr.createdAt,
        openedAt: pr.createdAt,
        mergedAt: pr.mergedAt,
        refs: toJsonArray(pr.refs),
        labels: toJsonArray(pr.labels),
        additions: 0,
        deletions: 0,
        fileCount: 0,
        prUpdatedAt: null,
        prState: stateOf(pr),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    id = Number(inserted.id);
    if (pr.author) await replacePeople(trx, people, id, [{ identity: pr.author, role: "author" }], ["author"]);
  } else {
    const fromGit = existing?.sha != null;
    await trx
      .updateTable("contributions")
      .set({
        labels: toJsonArray(pr.labels),
        prUpdatedAt: null,
        openedAt: pr.createdAt,
        ...(fromGit
          ? {}
          : {
              title: pr.title,
              refs: toJsonArray(pr.refs),
              occurredAt: pr.mergedAt ?? pr.createdAt,
              prState: stateOf(pr),
              mergedAt: pr.mergedAt,
            }),
      })
      .where("id", "=", id)
      .execute();
  }
  await reclassifyContributions(trx, config, [id]);
}

/**
 * Adds (or strengthens) one reviewer of a stored PR, from a `pull_request_review` webhook. Returns false
 * if the PR is unknown or the review earns no credit.
 */
export async function upsertReviewFromWebhook(
  trx: Executor,
  {
    config,
    people,
    prNumber,
    reviewer,
    weight,
    submittedAt,
  }: {
    config: CompiledConfig;
    people: PeopleResolver;
    prNumber: number;
    reviewer: PersonIdentity;
    weight: number;
    submittedAt: string | null;
  },
): Promise<boolean> {
  const contribution = await getPullRequestContribution(trx, prNumber);
  if (!contribution || weight <= 0) return false;
  const { personId, identityId } = await people.resolveSighting(trx, reviewer);
  await trx
    .insertInto("contributionPeople")
    .values({
      contributionId: contribution.id,
      personId,
      role: "reviewer",
      weight,
      occurredAt: submittedAt,
      identityId,
    })
    .onConflict((oc) =>
      oc.columns(["contributionId", "personId", "role"]).doUpdateSet((eb) => ({
        weight: larger<number>(trx, eb.ref("contributionPeople.weight"), eb.val(weight)),
        // Their latest review is their latest activity on the PR.
        // (On SQLite `larger` is null when either is: fall back to whichever is known.)
        occurredAt: sql<
          string | null
        >`coalesce(${larger(trx, eb.ref("contributionPeople.occurredAt"), eb.val(submittedAt))}, ${eb.ref("contributionPeople.occurredAt")}, ${submittedAt})`,
      })),
    )
    .execute();
  await reclassifyContributions(trx, config, [contribution.id]);
  return true;
}

/**
 * GitHub's updatedAt of each of `numbers` whose details are stored (by a GitHub sync): a PR stored at
 * the updatedAt GitHub reports now needs no fetching.
 */
export async function listStoredPullRequestUpdates(
  db: Database,
  { numbers }: { numbers: number[] },
): Promise<Map<number, string>> {
  const stored = new Map<number, string>();
  for (const part of chunk(numbers, 1)) {
    const rows = await db
      .selectFrom("contributions")
      .select(["prNumber", "prUpdatedAt"])
      .where("prNumber", "in", part)
      .where("prUpdatedAt", "is not", null)
      .execute();
    for (const row of rows)
      if (row.prNumber !== null && row.prUpdatedAt !== null) stored.set(row.prNumber, row.prUpdatedAt);
  }
  return stored;
}

/** The stored title of the pull request numbered `prNumber` (git's squash commit's when git brought it); null when unknown. */
export async function getPullRequestTitle(db: Database, prNumber: number): Promise<string | null> {
  const row = await db
    .selectFrom("contributions")
    .select("title")
    .where("prNumber", "=", prNumber)
    .orderBy((eb) => eb.case().when("sha", "is", null).then(1).else(0).end())
    .limit(1)
    .executeTakeFirst();
  return row?.title ?? null;
}
