import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

/**
 * The Content-Security-Policy of a page: the app's own scripts from /build/ and the inline hydration
 * scripts that carry this response's `nonce`, its own stylesheet, the inline `style` attributes the
 * bar charts are drawn with, its own images (the favicon) and fetches (Remix's data requests), and
 * nothing framed, embedded or posted elsewhere.
 */
export function pageContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** JSON and data answers are never rendered as documents: they may load nothing. */
const dataContentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Sets the headers every answer carries: a CSP (the page's, given its nonce, or the load-nothing one
 * of data), no framing (X-Frame-Options for browsers that predate frame-ancestors), no MIME sniffing,
 * and no full URL sent to other sites.
 */
export function setSecurityHeaders(headers: Headers, { nonce }: { nonce?: string } = {}): Headers {
  headers.set("Content-Security-Policy", nonce ? pageContentSecurityPolicy(nonce) : dataContentSecurityPolicy);
  headers.set("X-Frame-Options", "DENY");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  return headers;
}

/** A JSON answer of the API or the webhook endpoint, with the security headers. */
export function jsonResponse(data: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const response = Response.json(data, init);
  setSecurityHeaders(response.headers);
  return response;
}

/** The JSON API's error shape: `{ "error": "…" }` with a 4xx status. */
export function jsonError(status: number, message: string, headers?: HeadersInit): Response {
  return jsonResponse({ error: message }, { status, headers });
}

/**
 * The `action` of a read-only API route: POST, PUT, PATCH and DELETE answer a JSON 405 naming the
 * methods that work, instead of Remix's own "no action" error.
 */
export async function readOnlyApiAction({ request }: ActionFunctionArgs): Promise<Response> {
  return jsonError(405, `${request.method} is not allowed here; this API answers GET (and HEAD).`, {
    allow: "GET, HEAD",
  });
}

/** The `loader` of a write-only API route: GET answers a JSON 405 saying to POST. */
export async function writeOnlyApiLoader({ request }: LoaderFunctionArgs): Promise<Response> {
  return jsonError(405, `${request.method} is not allowed here; this API endpoint answers POST.`, { allow: "POST" });
}

/** "field message" of a form's first problem as zod found it, e.g. `aim say what the plan aims at`. */
export function firstFormProblem(error: { issues: { path: PropertyKey[]; message: string }[] }): {
  field: string;
  message: string;
} {
  const issue = error.issues[0];
  return { field: issue?.path.map(String).join(".") || "form", message: issue?.message ?? "is invalid" };
}

/** A 400 for a page: the error boundary shows the message, which says what to fix. */
export function badRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function notFound(message: string): Response {
  return new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * A 503 in the API's `{ "error": "…" }` shape. Thrown from a loader it reaches an API client as is,
 * and a page's error boundary shows its message.
 */
export function serviceUnavailable(message: string): Response {
  return jsonError(503, message);
}

/**
 * A page's 404 for a stage id the configuration does not know: the message and the configured stages,
 * which the error page lists as links.
 */
export function unknownStage(message: string, stages: Array<{ id: string; name: string }>): Response {
  return Response.json({ error: message, stages }, { status: 404 });
}

/** The largest JSON body a write of the API reads. */
const MAX_JSON_BODY = 64 * 1024;

/**
 * A JSON write's body checked against its schema: not JSON, too large, or not matching answers a JSON
 * 400 (thrown) naming the field and what it must be, before anything is written.
 */
export async function readJsonBody<T>(
  request: Request,
  schema: {
    safeParse(
      data: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
): Promise<T> {
  const length = Number(request.headers.get("Content-Length") ?? 0);
  if (length > MAX_JSON_BODY) throw jsonError(413, `The body is over ${MAX_JSON_BODY / 1024} KB.`);
  const text = await request.text();
  if (text.length > MAX_JSON_BODY) throw jsonError(413, `The body is over ${MAX_JSON_BODY / 1024} KB.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw jsonError(400, "The body is not JSON: send `Content-Type: application/json` with a JSON object.");
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const { field, message } = firstFormProblem(parsed.error);
    throw jsonError(400, `${field === "form" ? "body" : field}: ${message}.`);
  }
  return parsed.data;
}

/**
 * A 405 for a write endpoint of the API asked with a method it does not take: JSON naming the methods
 * that work, with an `Allow` header.
 */
export function methodNotAllowed(request: Request, allow: string): Response {
  return jsonError(405, `${request.method} is not allowed here; this endpoint answers ${allow}.`, { allow });
}
