import { schema as githubSchema } from "@octokit/graphql-schema";
import { buildClientSchema, graphql, parse, validate, type GraphQLSchema } from "graphql";
import type { SimIssue, SimRepository } from "./data";

// GitHub's published schema (@octokit/graphql-schema): a query the simulator accepts is one GitHub
// accepts. The SDL file repeats a field, so the introspection JSON is what builds cleanly.
let schema: GraphQLSchema | undefined;
function githubGraphQLSchema(): GraphQLSchema {
  schema ??= buildClientSchema(githubSchema.json.data ?? githubSchema.json);
  return schema;
}

interface ConnectionArgs {
  first?: number;
  after?: string;
}

function connection<T>(items: T[], { first = 100, after }: ConnectionArgs) {
  if (first > 100)
    throw new Error(`Requesting ${first} records on the connection exceeds the "first" limit of 100 records.`);
  const start = after ? Number(Buffer.from(after, "base64").toString().replace("cursor:", "")) : 0;
  const nodes = items.slice(start, start + first);
  const end = start + nodes.length;
  return {
    totalCount: items.length,
    nodes,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length ? Buffer.from(`cursor:${start}`).toString("base64") : null,
      endCursor: nodes.length ? Buffer.from(`cursor:${end}`).toString("base64") : null,
    },
  };
}

/** Answers one GraphQL request as GitHub would: validation errors and execution errors in `errors`. */
export async function answerGraphQL(
  repository: SimRepository,
  body: { query?: string; variables?: Record<string, unknown> },
  rate: { remaining: number; resetAt: number },
): Promise<{ data?: unknown; errors?: Array<{ message: string; type?: string }> }> {
  const source = body.query ?? "";
  let document;
  try {
    document = parse(source);
  } catch (error) {
    return { errors: [{ message: error instanceof Error ? error.message : String(error) }] };
  }
  const problems = validate(githubGraphQLSchema(), document);
  if (problems.length) return { errors: problems.map((p) => ({ message: p.message })) };

  const commits = [...repository.issues.values()]
    .filter((i): i is SimIssue & { pr: NonNullable<SimIssue["pr"]> } => i.pr?.mergeCommit != null)
    .sort((a, b) => ((a.pr.mergedAt ?? "") < (b.pr.mergedAt ?? "") ? 1 : -1));
  const actor = (login: string) => ({
    __typename: repository.users.get(login)?.type === "Bot" ? "Bot" : "User",
    login,
    name: repository.users.get(login)?.name ?? login,
    avatarUrl: `https://avatars.githubusercontent.com/${login}`,
  });
  const pullRequest = (issue: SimIssue) => ({
    __typename: "PullRequest",
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.pr?.mergedAt ? "MERGED" : issue.state === "open" ? "OPEN" : "CLOSED",
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    mergedAt: issue.pr?.mergedAt ?? null,
    closedAt: issue.state === "closed" ? issue.updatedAt : null,
    author: actor(issue.author),
    labels: (args: ConnectionArgs) =>
      connection(
        issue.labels.map((name) => ({ name })),
        args,
      ),
    files: (args: ConnectionArgs) =>
      connection(
        (issue.pr?.files ?? []).map((f) => ({ ...f, changeType: "MODIFIED" })),
        args,
      ),
    reviews: (args: ConnectionArgs) =>
      connection(
        (issue.pr?.reviews ?? []).map((r) => ({ author: actor(r.author), state: r.state, submittedAt: r.submittedAt })),
        args,
      ),
  });
  const commit = (issue: SimIssue & { pr: NonNullable<SimIssue["pr"]> }) => ({
    __typename: "Commit",
    oid: issue.pr.mergeCommit,
    committedDate: issue.pr.mergedAt,
    associatedPullRequests: (args: ConnectionArgs) => connection([pullRequest(issue)], args),
  });
  const head = {
    __typename: "Commit",
    oid: commits[0]?.pr.mergeCommit ?? "0".repeat(40),
    committedDate: commits[0]?.pr.mergedAt ?? null,
    history: ({ path, since, ...args }: ConnectionArgs & { path?: string; since?: string }) =>
      connection(
        commits
          .filter((c) => !since || (c.pr.mergedAt ?? "") >= since)
          .filter((c) => !path || c.pr.files.some((f) => f.path === path || f.path.startsWith(`${path}/`)))
          .map(commit),
        args,
      ),
  };
  const rootValue = {
    repository: ({ owner, name }: { owner: string; name: string }) =>
      owner.toLowerCase() === repository.owner && name.toLowerCase() === repository.name
        ? {
            name: repository.name,
            defaultBranchRef: { name: repository.defaultBranch, target: head },
            pullRequest: ({ number }: { number: number }) => {
              const issue = repository.issues.get(number);
              return issue?.isPullRequest ? pullRequest(issue) : null;
            },
          }
        : null,
    rateLimit: () => ({
      cost: 1,
      limit: 5000,
      remaining: rate.remaining,
      resetAt: new Date(rate.resetAt * 1000).toISOString(),
    }),
  };
  const result = await graphql({ schema: githubGraphQLSchema(), source, rootValue, variableValues: body.variables });
  return {
    ...(result.data ? { data: result.data } : {}),
    ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message })) } : {}),
  };
}
