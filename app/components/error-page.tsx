import { isRouteErrorResponse, Link } from "@remix-run/react";

const headings: Record<number, string> = {
  400: "That request needs fixing",
  401: "Please sign in",
  403: "Not allowed",
  404: "Not found",
  405: "Not something this page does",
  503: "Steward cannot answer right now",
};

// What Remix itself answers (no such page, a POST to a page without a form) comes with a developer's
// message naming internal route ids: say it in words instead.
const plainWords: Record<number, string> = {
  404: "There is no page at this address.",
  405: "This page can be read, not sent to: it takes no form posts or other changes.",
};

function messageOf(status: number, data: unknown, statusText: string): string {
  const fromJson = jsonErrorMessage(data); // a 503 thrown as the API's { error } shape
  if (fromJson !== undefined) return fromJson;
  const fromRemix = status === 405 || typeof data !== "string" || data.startsWith("Error: ");
  if (fromRemix) return plainWords[status] ?? statusText;
  return data;
}

/** One error page for every route: what happened, in words, and the server's message saying what to fix. */
export function ErrorPage({ error }: { error: unknown }) {
  if (isRouteErrorResponse(error)) {
    const message = messageOf(error.status, error.data, error.statusText);
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
