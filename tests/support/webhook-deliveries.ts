import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import type { SimIssue } from "./github-simulator/data";

// Webhook deliveries as GitHub sends them, for the tests that deliver to the route or to a running app:
// GitHub's own example payloads (@octokit/webhooks-examples) reshaped to a simulator pull request.

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;

// GitHub's example payloads are untyped JSON that each helper reshapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = Record<string, any>;

function example(event: string, action: string): Payload {
  const found = examples.find((e) => e.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no ${event} ${action} example`);
  const payload: Payload = structuredClone(found);
  payload.repository.full_name = "python/cpython";
  return payload;
}

/** A `pull_request` payload (`opened`, `labeled`, `synchronize`, `reopened`) for the simulator's pull request `pr`. */
export function pullRequestPayload(pr: SimIssue, action: "opened" | "labeled" | "synchronize" | "reopened"): Payload {
  const payload = example("pull_request", action);
  Object.assign(payload.pull_request, {
    number: pr.number,
    title: pr.title,
    body: pr.body,
    state: pr.state,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: null,
    merged_at: pr.pr?.mergedAt ?? null,
    labels: pr.labels.map((name, i) => ({ id: i + 1, name })),
  });
  payload.pull_request.user.login = pr.author;
  return payload;
}

/** A `pull_request_review` `submitted` payload: `reviewer` approved the simulator's pull request `pr`. */
export function reviewPayload(pr: SimIssue, reviewer: string, submittedAt: string): Payload {
  const payload = example("pull_request_review", "submitted");
  payload.pull_request.number = pr.number;
  payload.pull_request.user.login = pr.author;
  Object.assign(payload.review, { state: "approved", submitted_at: submittedAt });
  payload.review.user.login = reviewer;
  return payload;
}

/** The request GitHub would send: the body signed with `secret`, the event and delivery id in headers. */
export function signedDelivery(
  secret: string,
  { event, id, payload }: { event: string; id: string; payload: unknown },
): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  };
}
