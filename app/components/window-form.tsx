import { Form, useLocation } from "@remix-run/react";
import { MAX_WINDOW_DAYS } from "../stewardship/metrics";
import { keptWindowParams } from "../stewardship/query-params";

/** The as-of date, window and threshold controls shared by the dashboard and stage pages; a plain GET form. */
export function WindowForm({ asOf, windowDays, min }: { asOf: string; windowDays: number; min: number }) {
  return (
    <Form method="get" className="window-form" aria-label="Measuring window">
      <label>
        As of <input type="date" name="asOf" defaultValue={asOf} />
      </label>
      <label>
        Window (days) <input type="number" name="window" min={1} max={MAX_WINDOW_DAYS} defaultValue={windowDays} />
      </label>
      <label>
        Credit at least <input type="number" name="min" min={1} max={1000} defaultValue={min} />
      </label>
      <button type="submit">Show</button>
    </Form>
  );
}

/**
 * `path` with the `asOf`, `window` and `min` the reader set on this page, so following a link keeps
 * looking at the same moment under the same rule. Defaults are left out: a page left at "today" links
 * to pages at "today".
 */
export function useWindowLink(): (path: string) => string {
  const kept = keptWindowParams(useLocation().search).toString();
  return (path) => (kept ? `${path}${path.includes("?") ? "&" : "?"}${kept}` : path);
}

/** Hidden inputs that carry the reader's window settings through a page's own filter form. */
export function KeptWindowInputs() {
  const kept = keptWindowParams(useLocation().search);
  return (
    <>
      {[...kept].map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
    </>
  );
}
