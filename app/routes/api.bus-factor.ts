import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { jsonError, jsonResponse, readOnlyApiAction } from "../http.server";
import { getCoverage } from "../models/coverage.server";
import { coverageRange } from "../stewardship/coverage";
import { goalProgress } from "../stewardship/goals";
import { apiMaintainerCap } from "../stewardship/capped-list";
import { parseWindowParams } from "../stewardship/query-params";

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const params = parseWindowParams(new URL(request.url).searchParams, config.config, { coverage });
  if (!params.ok) return jsonError(400, params.message);
  const report = await getCachedBusFactorReport({ config, ...params.value.params });
  return jsonResponse({
    asOf: report.asOf,
    windowDays: report.windowDays,
    min: report.min,
    coverage: coverageRange(coverage),
    notes: params.value.notes,
    stages: report.stages.map((stage) => ({
      id: stage.id,
      name: stage.name,
      goal: stage.goal,
      goalDueOn: stage.goalDueOn,
      goalOverdue: goalProgress(
        { target: stage.goal, dueOn: stage.goalDueOn },
        stage.activeMaintainers.length,
        report.asOf,
      ).overdue,
      status: stage.status,
      statusText: stage.statusText,
      activeMaintainerCount: stage.activeMaintainers.length,
      activeMaintainers: stage.activeMaintainers
        .slice(0, apiMaintainerCap)
        .map(({ id, login, name, contributions }) => ({
          id,
          login,
          name,
          contributions,
        })),
      contributorAbsenceFactor: stage.contributorAbsenceFactor,
    })),
  });
}

export const action = readOnlyApiAction;
