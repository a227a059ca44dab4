import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { checkCsrf, requireSteward } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { badRequest } from "../http.server";
import {
  getPersonIdByLogin,
  insertMentoringPlan,
  planStatuses,
  updateMentoringPlanStatus,
} from "../models/mentoring-plan.server";
import { isoSeconds } from "../stewardship/dates";

const login = z
  .string()
  .trim()
  .transform((v) => v.replace(/^@/, ""))
  .pipe(z.string().regex(/^[\w-]+$/, "must be a GitHub login"));

const formSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    stage: z.string(),
    mentor: login,
    mentee: login,
    aim: z.string().trim().min(1, "say what the plan aims at").max(500),
    notes: z.string().trim().max(2000).default(""),
  }),
  z.object({
    intent: z.literal("status"),
    id: z.coerce.number().int().positive(),
    status: z.enum(planStatuses),
  }),
]);

// The mentoring plans' writes, from the planning page's forms: a signed-in steward, this session's
// form token, then the write and its audit event in one transaction.
export async function loader() {
  return redirect("/planning");
}

export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const session = await requireSteward(request, db, { returnTo: "/planning" });
  const form = await request.formData();
  await checkCsrf(request, form, session);
  const parsed = formSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return badRequest(`The plan was not saved: ${issue?.path.join(".") ?? "form"} ${issue?.message ?? "is invalid"}.`);
  }
  const input = parsed.data;
  const now = isoSeconds(Date.now());
  if (input.intent === "status") {
    const found = await updateMentoringPlanStatus(db, {
      id: input.id,
      status: input.status,
      login: session.login,
      now,
    });
    if (!found) return badRequest(`There is no mentoring plan ${input.id}.`);
    return redirect("/planning#mentoring", { status: 303 });
  }
  if (!getConfig().stageIds.includes(input.stage)) return badRequest(`There is no stage "${input.stage}".`);
  const [mentorPersonId, menteePersonId] = await Promise.all([
    getPersonIdByLogin(db, input.mentor),
    getPersonIdByLogin(db, input.mentee),
  ]);
  if (mentorPersonId === null || menteePersonId === null) {
    const unknown = mentorPersonId === null ? input.mentor : input.mentee;
    return badRequest(
      `Steward knows nobody with the login @${unknown}: plans are made between people it has seen work.`,
    );
  }
  await insertMentoringPlan(db, {
    plan: { stageId: input.stage, mentorPersonId, menteePersonId, aim: input.aim, notes: input.notes },
    login: session.login,
    now,
  });
  return redirect(`/planning#mentoring-${input.stage}`, { status: 303 });
}

// A page of its own only so that a refused or mistaken write (400, 403, 404) is shown in Steward's
// layout by the root error boundary, with the message, instead of as bare text; the loader sends a
// GET back to the planning page, so this never renders.
export default function Plans() {
  return null;
}
