import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCachedBusFactorReport } from "../bus-factor-cache.server";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { jsonError, jsonResponse, readOnlyApiAction } from "../http.server";
import { composeStageKnowledgeReport, getCachedStageKnowledge, getCodeowners } from "../knowledge-report.server";
import { getCoverage } from "../models/coverage.server";
import { apiKnowledgeCaps } from "../stewardship/capped-list";
import { reportWindows } from "../stewardship/bus-factor";
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
  // Each stage's knowledge is read beside the bus-factor report (it needs only the report's window), each
  // stage's on a reader of its own.
  const { window } = reportWindows(params.value.params.asOf, params.value.params.windowDays);
  const stageIds = stageId ? [stageId] : config.stageIds;
  const [report, codeowners, knowledge] = await Promise.all([
    getCachedBusFactorReport({ config, ...params.value.params, stageId }),
    getCodeowners(db),
    Promise.all(
      stageIds.map(
        async (id) => [id, await getCachedStageKnowledge(db, { config, stageId: id, before: window.to })] as const,
      ),
    ),
  ]);
  const knowledgeOf = new Map(knowledge);
  const caps = { ...apiKnowledgeCaps, ownershipFiles: apiKnowledgeCaps.knownFiles };
  const stages = report.stages.flatMap((stage) => {
    const read = knowledgeOf.get(stage.id);
    if (!read) return []; // the report names only the stages asked for
    return [
      {
        id: stage.id,
        name: stage.name,
        activeMaintainerCount: stage.activeMaintainers.length,
        contributorAbsenceFactor: stage.contributorAbsenceFactor,
        ...composeStageKnowledgeReport(read, { config, stage, codeowners: codeowners?.parsed ?? null, caps }),
      },
    ];
  });
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
