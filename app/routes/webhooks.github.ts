import type { ActionFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { verifyWebhookSignature } from "../github.server";
import { jsonError } from "../http.server";
import { DemoDataError } from "../ingest/demo-apart.server";
import { applyWebhook, WebhookPayloadError } from "../ingest/webhook.server";

export async function loader() {
  return jsonError(405, "POST GitHub webhook deliveries here.");
}

/**
 * GitHub webhook deliveries. The signature (X-Hub-Signature-256, HMAC of the raw body with
 * GITHUB_WEBHOOK_SECRET) is checked before the body is even parsed; nothing is written for a bad
 * signature (401) or a malformed body (400); a redelivery is acknowledged and not applied again. A
 * database holding the demo data set refuses deliveries (409), writing nothing.
 */
export async function action({ request }: ActionFunctionArgs) {
  const secret = process.env.GITHUB_WEBHOOK_SECRET?.trim();
  if (!secret) return jsonError(503, "Webhooks are off: set GITHUB_WEBHOOK_SECRET to the secret configured on GitHub.");
  if (request.method !== "POST") return jsonError(405, "POST GitHub webhook deliveries here.");
  const body = await request.text();
  if (!(await verifyWebhookSignature({ secret, body, signature: request.headers.get("x-hub-signature-256") }))) {
    return jsonError(401, "The X-Hub-Signature-256 signature does not match this body and GITHUB_WEBHOOK_SECRET.");
  }
  const event = request.headers.get("x-github-event");
  const deliveryId = request.headers.get("x-github-delivery");
  if (!event || !deliveryId) return jsonError(400, "X-GitHub-Event and X-GitHub-Delivery headers are required.");
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return jsonError(400, "The body is not JSON.");
  }
  try {
    const outcome = await applyWebhook(await getDb(), { config: getConfig(), event, deliveryId, payload });
    return Response.json({ outcome, event, delivery: deliveryId }, { status: outcome === "applied" ? 201 : 200 });
  } catch (error) {
    if (error instanceof WebhookPayloadError) return jsonError(400, error.message);
    // 409, not a quiet 2xx: GitHub's delivery log shows the failure and the message to whoever set it up.
    if (error instanceof DemoDataError) return jsonError(409, error.message);
    throw error;
  }
}
