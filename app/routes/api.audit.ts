import type { LoaderFunctionArgs } from "@remix-run/node";
import { getReadDb } from "../db.server";
import { jsonResponse, readOnlyApiAction } from "../http.server";
import { listAuditEvents } from "../models/audit.server";

// Every write Steward stored, newest first: who, when, what, and the subject before and after.
export async function loader(_args: LoaderFunctionArgs) {
  return jsonResponse({ events: await listAuditEvents(await getReadDb()) });
}

export const action = readOnlyApiAction;
