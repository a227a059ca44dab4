import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireAuditFilter } from "../request-params.server";
import { getReadDb } from "../db.server";
import { listFilteredAuditEvents } from "../models/audit.server";

export const meta: MetaFunction = () => [{ title: "Audit trail · Steward" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const events = await listFilteredAuditEvents(await getReadDb(), requireAuditFilter(request));
  return {
    events: events.map((e) => ({
      ...e,
      before: e.before === null ? null : JSON.stringify(e.before, null, 1),
      after: e.after === null ? null : JSON.stringify(e.after, null, 1),
    })),
  };
}

export default function AuditPage() {
  const { events } = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <header className="page-header">
        <h1>Audit trail</h1>
        <p className="lede">
          Every change made in Steward, newest first: who, when, what, and the record before and after.
        </p>
        <Form method="get" className="inline-form">
          <label>
            Stage <input name="stage" placeholder="middle-end" />
          </label>{" "}
          <label>
            By (GitHub login) <input name="login" />
          </label>{" "}
          <label>
            About (GitHub login) <input name="about" />
          </label>{" "}
          <button type="submit">Filter</button>
        </Form>
      </header>
      {events.length === 0 ? (
        <p className="muted">Nothing has been changed yet.</p>
      ) : (
        <ol className="plan-list" data-audit>
          {events.map((e) => (
            <li key={e.id} data-event={e.id}>
              <span className="nowrap">{e.occurredAt}</span> @{e.login}: {e.action} ({e.subject})
              <details>
                <summary>Before and after</summary>
                <pre>{e.before ?? "(nothing)"}</pre>
                <pre>{e.after ?? "(nothing)"}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
