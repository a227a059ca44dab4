import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiSteward } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb, getReadDb } from "../db.server";
import { jsonError, jsonResponse, methodNotAllowed, readJsonBody } from "../http.server";
import { listTodaysMaintainers } from "../models/bus-factor.server";
import { getCoverage } from "../models/coverage.server";
import { listStageGoals, saveStageGoal } from "../models/stage-goal.server";
import { effectiveAsOf } from "../stewardship/coverage";
import { isoSeconds } from "../stewardship/dates";
import { goalProgress } from "../stewardship/goals";
import { todayUtc } from "../stewardship/metrics";

// The rules (known stage, target ≥ 1, a calendar date) are saveStageGoal's, shared with the page's form.
const goalSchema = z.object({ stage: z.string(), target: z.unknown(), by: z.unknown() }).strict();

// GET: each stage's goal, with today's maintainers (or the newest data's) against it.
export async function loader() {
  const config = getConfig();
  const db = await getReadDb();
  const { asOf } = effectiveAsOf(undefined, todayUtc(), await getCoverage(db));
  const [goals, maintainers] = await Promise.all([
    listStageGoals(db, { stages: config.config.stages }),
    listTodaysMaintainers(db, config, { asOf }),
  ]);
  return jsonResponse({
    asOf,
    goals: goals.map((goal) => {
      const count = maintainers.get(goal.stageId)?.length ?? 0;
      const progress = goalProgress(goal, count, asOf);
      return {
        stage: goal.stageId,
        target: goal.target,
        by: goal.dueOn,
        setBy: goal.updatedBy,
        setAt: goal.updatedAt,
        maintainers: count,
        met: progress.met,
        overdue: progress.overdue,
      };
    }),
  });
}

// POST: a steward sets a stage's goal (token auth): 201 with the stored goal; 400 naming the field.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "GET, HEAD, POST");
  const db = await getDb();
  const writer = await requireApiSteward(request, db);
  const input = await readJsonBody(request, goalSchema);
  const saved = await saveStageGoal(db, {
    input,
    stages: getConfig().config.stages,
    login: writer.login,
    now: isoSeconds(Date.now()),
  });
  if (!saved.ok) return jsonError(400, `${saved.field}: ${saved.message}.`);
  const goal = saved.value;
  return jsonResponse(
    {
      goal: { stage: goal.stageId, target: goal.target, by: goal.dueOn, setBy: goal.updatedBy, setAt: goal.updatedAt },
    },
    { status: 201 },
  );
}
