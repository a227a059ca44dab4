import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireStewardForm } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { badRequest } from "../http.server";
import { saveStageGoal } from "../models/stage-goal.server";
import { isoSeconds } from "../stewardship/dates";

// The planning page's goal form: a signed-in steward, this session's form token, then the goal and its
// audit event in one transaction (the same model function as POST /api/goals, which holds the rules).
export async function loader() {
  return redirect("/planning");
}

export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const { session, form } = await requireStewardForm(request, db, "/planning");
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const saved = await saveStageGoal(db, {
    input: { stage: text("stage"), target: text("target"), by: text("by") },
    stages: getConfig().config.stages,
    login: session.login,
    now: isoSeconds(Date.now()),
  });
  if (!saved.ok) return badRequest(`The goal was not saved: ${saved.field} ${saved.message}.`);
  return redirect(`/planning#goal-${saved.value.stageId}`, { status: 303 });
}

// Like /plans: a page only so that a refused write is shown in Steward's layout by the root error boundary.
export default function Goals() {
  return null;
}
