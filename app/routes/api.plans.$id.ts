import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiSteward } from "../auth.server";
import { getDb, getReadDb } from "../db.server";
import { jsonError, jsonResponse, methodNotAllowed, readJsonBody } from "../http.server";
import { changeMentoringPlan, getMentoringPlan } from "../models/mentoring-plan.server";
import { isoSeconds } from "../stewardship/dates";
import { planFields, planRecord } from "../stewardship/mentoring";

const changesSchema = z
  .object({
    aim: planFields.aim.optional(),
    notes: planFields.notes.optional(),
    status: planFields.status.optional(),
    tasks: planFields.tasks.optional(),
  })
  .strict()
  .refine(
    (c) => Object.values(c).some((v) => v !== undefined),
    "must change at least one of aim, notes, status, tasks",
  );

function planId(raw: string | undefined): number | null {
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

const noPlan = (raw: string | undefined) => jsonError(404, `There is no mentoring plan ${raw ?? ""}.`);

// GET: one plan.
export async function loader({ params }: LoaderFunctionArgs) {
  const id = planId(params.id);
  const plan = id === null ? null : await getMentoringPlan(await getReadDb(), id);
  return plan ? jsonResponse({ plan: planRecord(plan) }) : noPlan(params.id);
}

// POST: a steward changes the plan's aim, notes, status or picked tasks (the list given replaces the
// picks); 200 with the stored plan.
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "GET, HEAD, POST");
  const db = await getDb();
  const writer = await requireApiSteward(request, db);
  const changes = await readJsonBody(request, changesSchema);
  const id = planId(params.id);
  if (id === null) return noPlan(params.id);
  const saved = await changeMentoringPlan(db, { id, changes, login: writer.login, now: isoSeconds(Date.now()) });
  if (!saved) return noPlan(params.id);
  if (!saved.ok) return jsonError(400, `${saved.field}: ${saved.message}.`);
  return jsonResponse({ plan: planRecord(saved.value) });
}
