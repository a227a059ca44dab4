import type { ActionFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { jsonError, jsonResponse } from "../http.server";
import { DemoDataError } from "../ingest/demo-apart.server";
import {
  applyWebhook,
  MAX_WEBHOOK_BYTES,
  readSignedWebhookBody,
  WebhookPayloadError,
  webhookTooLarge,
  type WebhookResult,
} from "../ingest/webhook.server";
import { getFollowUpQueue } from "../jobs/scheduled-jobs.server";

export async function loader() {
  return jsonError(405, "POST GitHub webhook deliveries here.", { allow: "POST" });
}

/**
 * GitHub webhook deliveries. A body declared over GitHub's 25 MB is refused unread (413), an unsigned
 * one too (401); otherwise the body is read as a stream up to that cap while its HMAC is computed, and
 * parsed only once X-Hub-Signature-256 matches. Nothing is written for a bad signature (401), a
 * malformed body or a payload value of the wrong shape (400); a redelivery is acknowledged and not
 * applied again. A database holding the demo data set refuses deliveries (409), writing nothing. A
 * pull request's delivery queues the fetch of its files and reviews (GITHUB_TOKEN), in the transaction
 * that records the delivery; the answer says so, or that a sync fetches them once the PR is merged.
 */
export async function action({ request }: ActionFunctionArgs) {
  const secret = process.env.GITHUB_WEBHOOK_SECRET?.trim();
  if (!secret) return jsonError(503, "Webhooks are off: set GITHUB_WEBHOOK_SECRET to the secret configured on GitHub.");
  if (request.method !== "POST") return jsonError(405, "POST GitHub webhook deliveries here.", { allow: "POST" });
  if (Number(request.headers.get("content-length")) > MAX_WEBHOOK_BYTES) return jsonError(413, webhookTooLarge);
  const signature = request.headers.get("x-hub-signature-256");
  if (!signature) return jsonError(401, "X-Hub-Signature-256 is missing: deliveries must be signed with the secret.");
  const event = request.headers.get("x-github-event");
  const deliveryId = request.headers.get("x-github-delivery");
  if (!event || !deliveryId) return jsonError(400, "X-GitHub-Event and X-GitHub-Delivery headers are required.");
  const body = await readSignedWebhookBody(request.body, { secret, signature });
  if (!body.ok) return jsonError(body.status, body.message);
  let payload: unknown;
  try {
    payload = JSON.parse(body.text);
  } catch {
    return jsonError(400, "The body is not JSON.");
  }
  try {
    const result = await applyWebhook(await getDb(), {
      config: getConfig(),
      event,
      deliveryId,
      payload,
      followUps: await getFollowUpQueue(),
    });
    return jsonResponse(
      { outcome: result.outcome, event, delivery: deliveryId, ...followUpNote(result) },
      { status: result.outcome === "applied" ? 201 : 200 },
    );
  } catch (error) {
    if (error instanceof WebhookPayloadError) return jsonError(400, error.message);
    // 409, not a quiet 2xx: GitHub's delivery log shows the failure and the message to whoever set it up.
    if (error instanceof DemoDataError) return jsonError(409, error.message);
    throw error;
  }
}

/** What GitHub's delivery log shows about the pull request's files and reviews. */
function followUpNote({ followUp }: WebhookResult): { followUp?: string } {
  if (!followUp) return {};
  const pr = `#${followUp.pullRequest}`;
  switch (followUp.queued) {
    case "queued":
      return { followUp: `Fetching ${pr}'s files and reviews from GitHub.` };
    case "waiting":
      return { followUp: `A fetch of ${pr}'s files and reviews is already waiting; it will read this change too.` };
    case "off":
      return {
        followUp: `Stored ${pr} without its files and reviews: GITHUB_TOKEN is not set, so they wait for a sync, which fetches the pull request once it is merged.`,
      };
  }
}
