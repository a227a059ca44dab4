import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAuditFilter } from "../request-params.server";
import { getReadDb } from "../db.server";
import { jsonError, jsonResponse, readOnlyApiAction } from "../http.server";
import { listFilteredAuditEvents } from "../models/audit.server";

// Every write Steward stored, newest first: who, when, what, and the subject before and after.
export async function loader({ request }: LoaderFunctionArgs) {
  let filter;
  try {
    filter = requireAuditFilter(request);
  } catch (error) {
    if (error instanceof Response) return jsonError(400, await error.text());
    throw error;
  }
  return jsonResponse({ events: await listFilteredAuditEvents(await getReadDb(), filter) });
}

export const action = readOnlyApiAction;
