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
  mergePeopleByCorrection,
} from "../models/identity-correction.server";
import { correctionReason, personRef } from "../request-params.server";
import { isoSeconds } from "../stewardship/dates";

const bodySchema = z.object({ people: z.tuple([personRef, personRef]), reason: correctionReason }).strict();

// Two people are one: `{ "people": ["@login-or-id", 12], "reason": "…" }`. 201 with the correction.
export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const writer = await requireApiSteward(request, db);
  const body = await readJsonBody(request, bodySchema);
  const people: number[] = [];
  for (const [i, ref] of body.people.entries()) {
    const id = await findPersonId(db, ref);
    if (id === null) return jsonError(400, `people.${i}: Steward knows no person "${String(ref)}".`);
    people.push(id);
  }
  const [a = 0, b = 0] = people;
  try {
    const { id } = await mergePeopleByCorrection(db, getConfig(), {
      people: [a, b],
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
