import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { jsonError } from "../http.server";
import { listActiveMaintainers } from "../models/bus-factor.server";
import { listStarterTasks } from "../models/starter-task.server";
import { todayUtc } from "../stewardship/metrics";
import { parseListParams, unknownStageMessage } from "../stewardship/query-params";

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = parseListParams(new URL(request.url).searchParams);
  if (!params.ok) return jsonError(400, params.message);
  const { stage, state = "open" } = params.value;
  const unknownStage = unknownStageMessage(config.config, stage);
  if (unknownStage) return jsonError(404, unknownStage);
  const db = await getDb();
  const { windowDays, minCredit } = config.maintainerRule;
  const [tasks, maintainers] = await Promise.all([
    listStarterTasks(db, { stageId: stage, state }),
    listActiveMaintainers(db, { asOf: todayUtc(), windowDays, min: minCredit }),
  ]);
  return Response.json({
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
      suggestedMentors: (maintainers.get(task.stageId ?? "") ?? []).map(({ id, login, name }) => ({ id, login, name })),
    })),
  });
}
