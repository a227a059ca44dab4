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
  404: "There is no page at this address. It may have moved, or the link may have a typo.",
  405: "This page can only be read: it takes no form posts or other changes. Open it in the browser instead.",
};

function messageOf(status: number, data: unknown, statusText: string): string {
  const fromJson = jsonErrorMessage(data); // a 503 thrown as the API's { error } shape, or an unknown stage
  if (fromJson !== undefined) return fromJson;
  const fromRemix = status === 405 || typeof data !== "string" || data.startsWith("Error: ");
  if (fromRemix) return plainWords[status] ?? statusText;
  return data;
}

/** Where a reader can go from any error page. */
function Onward() {
  return (
    <ul className="onward">
      <li>
        <Link to="/">The dashboard</Link>: each stage&apos;s active maintainers
      </li>
      <li>
        <Link to="/tasks">Starter tasks</Link>: small tasks for new contributors
      </li>
      <li>
        <Link to="/how-steward-counts">How Steward counts</Link>
      </li>
    </ul>
  );
}

/** One error page for every route: what happened, in words, and the server's message saying what to fix. */
export function ErrorPage({ error }: { error: unknown }) {
  if (isRouteErrorResponse(error)) {
    const message = messageOf(error.status, error.data, error.statusText);
    const stages = stagesOf(error.data);
    return (
      <main className="page error-page">
        <h1>
          {error.status} · {headings[error.status] ?? "Something went wrong"}
        </h1>
        <p className="error-message">{message}</p>
        {stages.length > 0 ? (
          <>
            <p>The stages Steward tracks:</p>
            <ul className="stage-links">
              {stages.map((stage) => (
                <li key={stage.id}>
                  <Link to={`/stages/${stage.id}`}>{stage.name}</Link>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <p>Where to go from here:</p>
        <Onward />
      </main>
    );
  }
  return (
    <main className="page error-page">
      <h1>500 · Something went wrong</h1>
      <p className="error-message">Steward hit an unexpected error. The server log has the details.</p>
      <p>Where to go from here:</p>
      <Onward />
    </main>
  );
}

/** A 503 thrown as the API's `{ "error": "…" }` (a timeout, an unusable database) carries its message there. */
function jsonErrorMessage(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || !("error" in data)) return undefined;
  return typeof data.error === "string" ? data.error : undefined;
}

/** An unknown stage's 404 carries the configured stages (`unknownStage`), to be listed as links. */
function stagesOf(data: unknown): Array<{ id: string; name: string }> {
  if (typeof data !== "object" || data === null || !("stages" in data) || !Array.isArray(data.stages)) return [];
  return data.stages.flatMap((s: unknown) =>
    typeof s === "object" &&
    s !== null &&
    "id" in s &&
    "name" in s &&
    typeof s.id === "string" &&
    typeof s.name === "string"
      ? [{ id: s.id, name: s.name }]
      : [],
  );
}
