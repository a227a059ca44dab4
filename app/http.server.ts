/** A 400 for a page: the error boundary shows the message, which says what to fix. */
export function badRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function notFound(message: string): Response {
  return new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** The JSON API's error shape: `{ "error": "…" }` with a 4xx status. */
export function jsonError(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}

/**
 * A 503 in the API's `{ "error": "…" }` shape. Thrown from a loader it reaches an API client as is,
 * and a page's error boundary shows its message.
 */
export function serviceUnavailable(message: string): Response {
  return Response.json({ error: message }, { status: 503 });
}
