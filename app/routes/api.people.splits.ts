import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiSteward } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { jsonError, jsonResponse, readJsonBody, writeOnlyApiLoader } from "../http.server";
import {
  CorrectionRefused,
  findPersonId,
  getIdentityCorrection,
  splitPersonByCorrection,
} from "../models/identity-correction.server";
import { correctionReason, personRef } from "../request-params.server";
import { isoSeconds } from "../stewardship/dates";

const bodySchema = z
  .object({
    person: personRef,
    identities: z
      .array(z.string().trim().min(1, "must be an @login, a name as the person's page shows it, or an e-mail address"))
      .min(1, "must list at least one of the person's identities to split off"),
    reason: correctionReason,
  })
  .strict();

// Some of a person's identities are someone else: `{ "person": "@login-or-id", "identities": ["@other",
// "Other Name"], "reason": "…" }`. 201 with the correction.
export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const writer = await requireApiSteward(request, db);
  const body = await readJsonBody(request, bodySchema);
  const personId = await findPersonId(db, body.person);
  if (personId === null) return jsonError(400, `person: Steward knows no person "${String(body.person)}".`);
  try {
    const { id } = await splitPersonByCorrection(db, getConfig(), {
      personId,
      aliases: body.identities,
      reason: body.reason,
      login: writer.login,
      now: isoSeconds(Date.now()),
    });
    return jsonResponse({ correction: await getIdentityCorrection(db, id) }, { status: 201 });
  } catch (error) {
    if (error instanceof CorrectionRefused) return jsonError(400, `${error.field}: ${error.message}.`);
    throw error;
  }
}

export const loader = writeOnlyApiLoader;
