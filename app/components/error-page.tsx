import { isRouteErrorResponse, Link } from "@remix-run/react";

const headings: Record<number, string> = {
  400: "That request needs fixing",
  401: "Please sign in",
  403: "Not allowed",
  404: "Not found",
  503: "Steward cannot answer right now",
};

/** One error page for every route: what happened, in words, and the server's message saying what to fix. */
export function ErrorPage({ error }: { error: unknown }) {
  if (isRouteErrorResponse(error)) {
    const message = typeof error.data === "string" ? error.data : (jsonErrorMessage(error.data) ?? error.statusText);
    return (
      <main className="page error-page">
        <h1>
          {error.status} · {headings[error.status] ?? "Something went wrong"}
        </h1>
        <p className="error-message">{message}</p>
        <p>
          <Link to="/">Back to the dashboard</Link>
        </p>
      </main>
    );
  }
  return (
    <main className="page error-page">
      <h1>500 · Something went wrong</h1>
      <p className="error-message">Steward hit an unexpected error. The server log has the details.</p>
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </main>
  );
}

/** A 503 thrown as the API's `{ "error": "…" }` (a timeout, an unusable database) carries its message there. */
function jsonErrorMessage(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || !("error" in data)) return undefined;
  return typeof data.error === "string" ? data.error : undefined;
}
