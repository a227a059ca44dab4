import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiSteward } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb, getReadDb } from "../db.server";
import { jsonError, jsonResponse, methodNotAllowed, readJsonBody } from "../http.server";
import { createMentoringPlan, listMentoringPlans } from "../models/mentoring-plan.server";
import { isoSeconds } from "../stewardship/dates";
import { planFields, planRecord } from "../stewardship/mentoring";

const newPlanSchema = z
  .object({
    stage: planFields.stage,
    mentor: planFields.mentor,
    mentee: planFields.mentee,
    aim: planFields.aim,
    notes: planFields.notes.default(""),
    tasks: planFields.tasks.default([]),
  })
  .strict();

// GET: every mentoring plan (or one stage's, `?stage=ID`), newest first.
export async function loader({ request }: LoaderFunctionArgs) {
  const stage = new URL(request.url).searchParams.get("stage") || undefined;
  const { stageIds } = getConfig();
  if (stage !== undefined && !stageIds.includes(stage))
    return jsonError(404, `There is no stage "${stage}"; use one of: ${stageIds.join(", ")}.`);
  const plans = await listMentoringPlans(await getReadDb(), { stageId: stage });
  return jsonResponse({ plans: plans.map(planRecord) });
}

// POST: a steward's new plan (token auth), 201 with the stored plan; 400 naming the field otherwise.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "GET, HEAD, POST");
  const db = await getDb();
  const writer = await requireApiSteward(request, db);
  const plan = await readJsonBody(request, newPlanSchema);
  const saved = await createMentoringPlan(db, {
    plan,
    stageIds: getConfig().stageIds,
    login: writer.login,
    now: isoSeconds(Date.now()),
  });
  if (!saved.ok) return jsonError(400, `${saved.field}: ${saved.message}.`);
  return jsonResponse({ plan: planRecord(saved.value) }, { status: 201 });
}
