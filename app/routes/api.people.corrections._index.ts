import type { LoaderFunctionArgs } from "@remix-run/node";
import { getReadDb } from "../db.server";
import { jsonResponse, readOnlyApiAction } from "../http.server";
import { listIdentityCorrections } from "../models/identity-correction.server";

// Stewards' merges and splits of people, newest first, undone ones included (`undoneAt`); `?live=1` only
// those in force. Identities are shown by name or login, never by e-mail address.
export async function loader({ request }: LoaderFunctionArgs) {
  const live = ["1", "true"].includes(new URL(request.url).searchParams.get("live") ?? "");
  return jsonResponse({ corrections: await listIdentityCorrections(await getReadDb(), { live }) });
}

export const action = readOnlyApiAction;
