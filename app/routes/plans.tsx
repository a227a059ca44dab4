import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireStewardForm } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { badRequest, firstFormProblem } from "../http.server";
import { changeMentoringPlan, createMentoringPlan } from "../models/mentoring-plan.server";
import type { Checked } from "../stewardship/checked";
import { isoSeconds } from "../stewardship/dates";
import { planFields } from "../stewardship/mentoring";

const id = z.coerce.number().int().positive();

// The planning page's three forms: add a plan, change its status, edit its aim, notes and tasks. The
// fields' rules are the API's (`planFields`); the picked tasks come as repeated `tasks` fields.
const formSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    stage: planFields.stage,
    mentor: planFields.mentor,
    mentee: planFields.mentee,
    aim: planFields.aim,
    notes: planFields.notes.default(""),
    tasks: planFields.tasks,
  }),
  z.object({ intent: z.literal("status"), id, status: planFields.status }),
  z.object({
    intent: z.literal("edit"),
    id,
    aim: planFields.aim,
    notes: planFields.notes.default(""),
    tasks: planFields.tasks,
  }),
]);

function notSaved(field: string, message: string): Response {
  return badRequest(`The plan was not saved: ${field} ${message}.`);
}

// The mentoring plans' writes, from the planning page's forms: a signed-in steward, this session's
// form token, then the write and its audit event in one transaction (the same model functions as
// POST /api/plans and /api/plans/:id).
export async function loader() {
  return redirect("/planning");
}

export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const { session, form } = await requireStewardForm(request, db, "/planning");
  const fields = { ...Object.fromEntries(form), tasks: form.getAll("tasks").filter((t) => t !== "") };
  const parsed = formSchema.safeParse(fields);
  if (!parsed.success) {
    const { field, message } = firstFormProblem(parsed.error);
    return notSaved(field, message);
  }
  const input = parsed.data;
  const now = isoSeconds(Date.now());
  let saved: Checked<{ id: number }>;
  if (input.intent === "add") {
    const { stage, mentor, mentee, aim, notes, tasks } = input;
    const plan = { stage, mentor, mentee, aim, notes, tasks };
    saved = await createMentoringPlan(db, { plan, stageIds: getConfig().stageIds, login: session.login, now });
  } else {
    const changes =
      input.intent === "status" ? { status: input.status } : { aim: input.aim, notes: input.notes, tasks: input.tasks };
    const changed = await changeMentoringPlan(db, { id: input.id, changes, login: session.login, now });
    if (!changed) return badRequest(`There is no mentoring plan ${input.id}.`);
    saved = changed;
  }
  if (!saved.ok) return notSaved(saved.field, saved.message);
  return redirect(`/planning#plan-${saved.value.id}`, { status: 303 });
}

// A page of its own only so that a refused or mistaken write (400, 403, 404) is shown in Steward's
// layout by the root error boundary, with the message, instead of as bare text; the loader sends a
// GET back to the planning page, so this never renders.
export default function Plans() {
  return null;
}
