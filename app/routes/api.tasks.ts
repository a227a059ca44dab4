import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { jsonResponse, readOnlyApiAction } from "../http.server";
import { listTodaysMaintainers } from "../models/bus-factor.server";
import { getCoverage } from "../models/coverage.server";
import { listTaskMentoring } from "../models/mentoring-plan.server";
import { listStarterTasks } from "../models/starter-task.server";
import { apiListParams } from "../request-params.server";
import { coverageRange, effectiveAsOf } from "../stewardship/coverage";
import { todayUtc } from "../stewardship/metrics";
import { pageCaps } from "../stewardship/capped-list";
import { suggestMentors } from "../stewardship/mentors";

const PAGE_SIZE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = apiListParams(request, config.config);
  if (params instanceof Response) return params;
  const { stage, state = "open", page = 1 } = params;
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const [tasks, maintainers] = await Promise.all([
    listStarterTasks(db, { stageId: stage, state, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    listTodaysMaintainers(db, config, { asOf: effectiveAsOf(undefined, todayUtc(), coverage).asOf }),
  ]);
  const mentoring = await listTaskMentoring(db, { taskKeys: tasks.map((t) => t.key) });
  return jsonResponse({
    coverage: coverageRange(coverage),
    tasks: tasks.map((task) => ({
      key: task.key,
      stage: task.stageId,
      issue: task.issueNumber,
      umbrella: task.umbrellaNumber,
      title: task.title,
      state: task.state,
      claimed: task.claimedBy !== null,
      claimedBy: task.claimedBy,
      claimEvidence: task.claimEvidence,
      labels: task.labels,
      // Live (active or paused) mentoring plans that picked this task for their mentee.
      mentoring: (mentoring.get(task.key) ?? []).map(({ planId, mentor, mentee }) => ({
        plan: planId,
        mentor: mentor.login,
        mentee: mentee.login,
      })),
      suggestedMentors: suggestMentors(maintainers.get(task.stageId ?? "") ?? [], pageCaps.mentors).map(
        ({ id, login, name }) => ({ id, login, name }),
      ),
    })),
  });
}

export const action = readOnlyApiAction;
