import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiSteward } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { jsonError, jsonResponse, writeOnlyApiLoader } from "../http.server";
import { CorrectionRefused, getIdentityCorrection, undoIdentityCorrection } from "../models/identity-correction.server";
import { isoSeconds } from "../stewardship/dates";

// Undoes a merge or split: its constraint is dropped and every identity regrouped at once. 200 with the
// correction (now with `undoneAt`).
export async function action({ request, params }: ActionFunctionArgs) {
  const db = await getDb();
  const writer = await requireApiSteward(request, db);
  const id = Number(params.id);
  if (!/^\d+$/.test(params.id ?? "") || !Number.isSafeInteger(id) || id < 1)
    return jsonError(400, `id: "${params.id ?? ""}" is not a correction id.`);
  try {
    const undone = await undoIdentityCorrection(db, getConfig(), {
      id,
      login: writer.login,
      now: isoSeconds(Date.now()),
    });
    if (!undone) return jsonError(404, `There is no correction ${id}; GET /api/people/corrections lists them.`);
    return jsonResponse({ correction: await getIdentityCorrection(db, id) });
  } catch (error) {
    if (error instanceof CorrectionRefused) return jsonError(400, `${error.field}: ${error.message}.`);
    throw error;
  }
}

export const loader = writeOnlyApiLoader;
