import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { listTodaysMaintainers } from "../models/bus-factor.server";
import { listStarterTasks } from "../models/starter-task.server";
import { apiListParams } from "../request-params.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = apiListParams(request, config.config);
  if (params instanceof Response) return params;
  const { stage, state = "open" } = params;
  const db = await getReadDb();
  const [tasks, maintainers] = await Promise.all([
    listStarterTasks(db, { stageId: stage, state }),
    listTodaysMaintainers(db, config),
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
