import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { jsonError, jsonResponse, readOnlyApiAction } from "../http.server";
import { getCodeowners, getStageKnowledgeReport } from "../knowledge-report.server";
import { getCoverage } from "../models/coverage.server";
import { apiKnowledgeCaps } from "../stewardship/capped-list";
import { coverageRange } from "../stewardship/coverage";
import { parseWindowParams } from "../stewardship/query-params";

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const search = new URL(request.url).searchParams;
  const params = parseWindowParams(search, config.config, { coverage });
  if (!params.ok) return jsonError(400, params.message);
  const stageId = search.get("stage")?.trim() || undefined;
  if (stageId !== undefined && !config.stageIds.includes(stageId)) {
    return jsonError(404, `There is no stage "${stageId}". Configured stages: ${config.stageIds.join(", ")}.`);
  }
  const [report, codeowners] = await Promise.all([
    getCachedBusFactorReport({ config, ...params.value.params, stageId }),
    getCodeowners(db),
  ]);
  const caps = { ...apiKnowledgeCaps, ownershipFiles: apiKnowledgeCaps.knownFiles };
  // The stages side by side: each one's queries run on a reader of its own.
  const stages = await Promise.all(
    report.stages.map(async (stage) => ({
      id: stage.id,
      name: stage.name,
      activeMaintainerCount: stage.activeMaintainers.length,
      contributorAbsenceFactor: stage.contributorAbsenceFactor,
      ...(await getStageKnowledgeReport(db, {
        config,
        stage,
        before: report.window.to,
        codeowners: codeowners?.parsed ?? null,
        caps,
      })),
    })),
  );
  return jsonResponse({
    asOf: report.asOf,
    windowDays: report.windowDays,
    min: report.min,
    coverage: coverageRange(coverage),
    notes: params.value.notes,
    codeowners: codeowners?.view ?? null,
    stages,
  });
}

export const action = readOnlyApiAction;
