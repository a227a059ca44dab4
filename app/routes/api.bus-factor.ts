import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { jsonError } from "../http.server";
import { parseWindowParams } from "../stewardship/query-params";

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = parseWindowParams(new URL(request.url).searchParams, config.config);
  if (!params.ok) return jsonError(400, params.message);
  const report = await getCachedBusFactorReport({ config, ...params.value });
  return Response.json({
    asOf: report.asOf,
    windowDays: report.windowDays,
    min: report.min,
    stages: report.stages.map((stage) => ({
      id: stage.id,
      name: stage.name,
      goal: stage.goal,
      status: stage.status,
      statusText: stage.statusText,
      activeMaintainers: stage.activeMaintainers.map(({ id, login, name, contributions }) => ({
        id,
        login,
        name,
        contributions,
      })),
      contributorAbsenceFactor: stage.contributorAbsenceFactor,
    })),
  });
}
