import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getCachedOnboardingReport } from "../onboarding-cache.server";
import { getReadDb } from "../db.server";
import { jsonError, jsonResponse, readOnlyApiAction } from "../http.server";
import { getCoverage } from "../models/coverage.server";
import { coverageRange } from "../stewardship/coverage";
import { parseWindowParams } from "../stewardship/query-params";

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const params = parseWindowParams(new URL(request.url).searchParams, config.config, { coverage });
  if (!params.ok) return jsonError(400, params.message);
  const report = await getCachedOnboardingReport({ config, ...params.value.params });
  return jsonResponse({
    asOf: report.asOf,
    windowDays: report.windowDays,
    min: report.min,
    returnWindowDays: report.returnWindowDays,
    coverage: coverageRange(coverage),
    notes: params.value.notes,
    overall: report.overall,
    stages: report.stages,
    tracks: report.tracks.map((track) => ({
      ...track,
      takenUpTasks: track.takenUpTasks.map((task) => ({
        ...task,
        people: task.people.map(({ personId: _, ...person }) => person),
      })),
    })),
  });
}

export const action = readOnlyApiAction;
