import { Form } from "@remix-run/react";
import { MAX_WINDOW_DAYS } from "../stewardship/metrics";

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
        At least <input type="number" name="min" min={1} max={1000} defaultValue={min} /> contributions
      </label>
      <button type="submit">Show</button>
    </Form>
  );
}

/** Query string that keeps the window settings when following a link. */
export function windowQuery({ asOf, windowDays, min }: { asOf: string; windowDays: number; min: number }): string {
  return `?${new URLSearchParams({ asOf, window: String(windowDays), min: String(min) }).toString()}`;
}
