import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiSteward } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { jsonError, jsonResponse } from "../http.server";
import { undoStageCorrection } from "../models/correction.server";
import { isoSeconds } from "../stewardship/dates";

// Undoes a correction of a contribution's stages: the classifier's verdict, recomputed now, counts again.
export async function loader() {
  return jsonError(405, "GET is not allowed here; undo a correction with POST (see GET /api/corrections).", {
    allow: "POST",
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") {
    return jsonError(405, `${request.method} is not allowed here; undo a correction with POST.`, { allow: "POST" });
  }
  const id = Number(params.id);
  const db = await getDb();
  const writer = await requireApiSteward(request, db);
  if (!/^\d{1,9}$/.test(params.id ?? "") || id < 1) {
    return jsonError(400, `id: "${params.id}" is not a correction id (a whole number, see GET /api/corrections).`);
  }
  const result = await undoStageCorrection(db, {
    config: getConfig(),
    id,
    login: writer.login,
    now: isoSeconds(Date.now()),
  });
  if (result.status === "not-found") return jsonError(404, `There is no correction ${id}.`);
  if (result.status === "already-undone") {
    return jsonError(
      409,
      `Correction ${id} was already undone by @${result.correction.undoneBy} at ${result.correction.undoneAt}.`,
    );
  }
  return jsonResponse({ correction: result.correction });
}
