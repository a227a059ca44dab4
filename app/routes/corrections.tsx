import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireStewardForm, safeReturnPath } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { badRequest, firstFormProblem } from "../http.server";
import { insertStageCorrection, undoStageCorrection } from "../models/correction.server";
import { correctionFields } from "../stewardship/corrections";
import { isoSeconds } from "../stewardship/dates";

const id = z.coerce.number().int().positive();

// Corrections of a contribution's stages, from the forms of the contribution lists (/contributions, a
// person's or a stage's recent work): a signed-in steward, this session's form token, then the write and
// its audit event in one transaction, and back to the list the form was on.
export async function loader() {
  return redirect("/contributions");
}

export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const returnTo = (form: FormData) => safeReturnPath(String(form.get("returnTo") ?? "/contributions"));
  const { session, form } = await requireStewardForm(request, db, returnTo);
  const back = returnTo(form);
  const config = getConfig();
  const schema = z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("set"), contribution: id, ...correctionFields(config.stageIds) }),
    z.object({ intent: z.literal("undo"), correction: id }),
  ]);
  const parsed = schema.safeParse({ ...Object.fromEntries(form), stages: form.getAll("stage") });
  if (!parsed.success) {
    const { field, message } = firstFormProblem(parsed.error);
    return badRequest(`The stages were not corrected: ${field} ${message}.`);
  }
  const input = parsed.data;
  const now = isoSeconds(Date.now());
  let contributionId: number;
  if (input.intent === "set") {
    const correction = await insertStageCorrection(db, {
      config,
      contributionId: input.contribution,
      stageIds: input.stages,
      reason: input.reason,
      login: session.login,
      now,
    });
    if (!correction) return badRequest(`There is no contribution ${input.contribution}.`);
    contributionId = correction.contribution.id;
  } else {
    const result = await undoStageCorrection(db, { config, id: input.correction, login: session.login, now });
    if (result.status === "not-found") return badRequest(`There is no correction ${input.correction}.`);
    // Undone twice (two tabs, a double click): the first undo stands, and the list shows it.
    contributionId = result.correction.contribution.id;
  }
  return redirect(`${back.replace(/#.*$/, "")}#contribution-${contributionId}`, { status: 303 });
}

// A page of its own only so that a refused or mistaken write (400, 403) is shown in Steward's layout by
// the root error boundary, with the message, instead of as bare text; the loader sends a GET back to the
// contributions, so this never renders.
export default function Corrections() {
  return null;
}
